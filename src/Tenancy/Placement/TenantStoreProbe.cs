using System.Diagnostics;
using Npgsql;
using Tenancy.Migrations;
using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>
/// Checks every tenant's store as the application reaches it (the application role, the tenant database's own
/// pool): can it connect, does the store exist and may the role use it, how long did that take, and which
/// migrations are pending. Tenants are probed a few at a time; one unreachable server fails only its tenants.
/// </summary>
public sealed class TenantStoreProbe(
    Registry.TenantRegistry registry,
    TenantApplicationDataSource application,
    TenantDatabasePools pools,
    TenantStoreConnections stores,
    TenantMigrationRunner migrations)
{
    public async Task<IReadOnlyList<TenantStoreCheck>> CheckAllAsync(int parallelism = 8, CancellationToken cancellationToken = default)
    {
        var pending = (await migrations.CheckAsync(cancellationToken: cancellationToken)).ToDictionary(s => s.Identifier, s => s.Pending, StringComparer.Ordinal);
        var sharedPending = await migrations.GetPendingSharedStoreAsync(cancellationToken);
        var tenants = await registry.ListServedAsync(null, cancellationToken);
        var checks = new List<TenantStoreCheck>(tenants.Count);
        await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, async (tenant, ct) =>
        {
            var check = await CheckAsync(tenant, tenant.Isolation == TenantIsolation.Shared ? sharedPending : pending.GetValueOrDefault(tenant.Identifier, []), ct);
            lock (checks)
            {
                checks.Add(check);
            }
        });
        return [.. checks.OrderBy(c => c.Identifier, StringComparer.Ordinal)];
    }

    /// <summary>One tenant's store, as <see cref="CheckAllAsync"/> checks each; null when no live tenant has that identifier.</summary>
    public async Task<TenantStoreCheck?> CheckOneAsync(string identifier, CancellationToken cancellationToken = default)
    {
        if ((await registry.ListServedAsync([identifier], cancellationToken)).SingleOrDefault() is not { } tenant)
        {
            return null;
        }

        var pending = tenant.Isolation == TenantIsolation.Shared
            ? await migrations.GetPendingSharedStoreAsync(cancellationToken)
            : (await migrations.CheckAsync([identifier], cancellationToken)).Single().Pending;
        return await CheckAsync(tenant, pending, cancellationToken);
    }

    private async Task<TenantStoreCheck> CheckAsync(TenantInfo tenant, IReadOnlyList<string> pending, CancellationToken cancellationToken)
    {
        var store = tenant.Isolation == TenantIsolation.Database
            ? $"{(tenant.ConnectionReference is null ? "" : tenant.ConnectionReference + ":")}{tenant.DatabaseName}/{tenant.SchemaName}"
            : TenantStoreNames.SchemaOf(tenant);
        var started = Stopwatch.GetTimestamp();
        try
        {
            TenantDatabasePools.Lease? lease = null;
            try
            {
                var dataSource = tenant.Isolation == TenantIsolation.Database
                    ? (lease = pools.Rent(stores.ApplicationFor(tenant))).DataSource
                    : application.DataSource;
                await using var command = dataSource.CreateCommand(
                    "SELECT coalesce((SELECT has_schema_privilege(oid, 'USAGE') FROM pg_namespace WHERE nspname = $1), false)");
                command.Parameters.Add(new NpgsqlParameter { Value = TenantStoreNames.SchemaOf(tenant) });
                var usable = await command.ExecuteScalarAsync(cancellationToken) is true;
                return new TenantStoreCheck(tenant.Identifier, tenant.Isolation, store, usable, usable ? null : "the store is missing or closed to the application role",
                    Stopwatch.GetElapsedTime(started), pending);
            }
            finally
            {
                lease?.Dispose();
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or TenantStoreBusyException && !cancellationToken.IsCancellationRequested)
        {
            return new TenantStoreCheck(tenant.Identifier, tenant.Isolation, store, false, ex.Message, Stopwatch.GetElapsedTime(started), pending);
        }
    }
}

/// <summary>One tenant's store as the application sees it.</summary>
public sealed record TenantStoreCheck(
    string Identifier,
    TenantIsolation Isolation,
    string Store,
    bool Reachable,
    string? Error,
    TimeSpan Latency,
    IReadOnlyList<string> Pending);
