using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Context;
using Tenancy.Deletion;
using Tenancy.Isolation;
using Tenancy.Lifecycle;
using Tenancy.Migrations;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Moves;

/// <summary>
/// Moves a tenant to another tier (or another server): freeze writes, build the new store, copy the tenant's rows
/// while holding SHARE locks on the old tables (reads go on, in-flight writes finish first), verify row counts and
/// checksums per table, switch the registry placement in one statement (which also lifts the freeze), and only then
/// remove the old copy. Until the switch commits the tenant serves from its old store, which the move never writes:
/// a failure rolls back and drops the new store; a killed move leaves the old store as it was, the freeze lapses by
/// itself (<see cref="TenantMoveOptions.FreezeSeconds"/>), and a new attempt first drops the half-built store.
/// </summary>
public sealed class TenantMover(
    NpgsqlDataSource dataSource,
    TenantRegistry registry,
    TenantStoreConnections stores,
    TenantStoreBuilder storeBuilder,
    TenantMigrationCatalog catalog,
    TenantValidation validation,
    IOptions<TenantMoveOptions> moveOptions,
    TimeProvider clock)
{
    private readonly TenantMoveOptions _options = moveOptions.Value;

    public async Task<TenantMoveResult> MoveAsync(
        string identifier,
        TenantIsolation target,
        string? connectionReference = null,
        IProgress<TenantMoveStage>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (validation.ValidateConnectionReference(target, connectionReference) is { } referenceError)
        {
            throw new TenantValidationException(new Dictionary<string, string[]> { ["connectionReference"] = [referenceError] });
        }

        var started = Stopwatch.GetTimestamp();
        var tenant = await LoadAsync(identifier, cancellationToken);
        if (tenant.Isolation == target && tenant.ConnectionReference == connectionReference)
        {
            throw new TenantStateException($"Tenant '{identifier}' is already on the {target.ToString().ToLowerInvariant()} tier there.");
        }

        await EnsureUpToDateAsync(tenant, cancellationToken);
        var from = TenantStoreLocation.Of(tenant, stores);
        var to = TenantStoreLocation.For(identifier, target, connectionReference, stores);
        if (from.Isolation == TenantIsolation.Database && to.Isolation == TenantIsolation.Database && SameDatabase(from, to))
        {
            // Preparing the target would drop the source.
            throw new TenantStateException($"The connection '{connectionReference}' reaches the database tenant '{identifier}' is already in.");
        }

        progress?.Report(TenantMoveStage.Freezing);
        var frozenUntil = await FreezeAsync(tenant.Id, cancellationToken)
            ?? throw new TenantMovingException($"Tenant '{identifier}' is already being moved.");
        var frozenAt = Stopwatch.GetTimestamp();
        IReadOnlyDictionary<string, TableChecksum> copied;
        try
        {
            await Task.Delay(_options.GraceMilliseconds, cancellationToken);
            progress?.Report(TenantMoveStage.Preparing);
            await storeBuilder.PrepareAsync(to, tenant.Id, cancellationToken);

            await using var source = await OpenAsync(from, tenant.Id, cancellationToken);
            var tables = await TenantTables.InDependencyOrderAsync(source.Connection, from.Schema, source.Transaction, cancellationToken);
            foreach (var table in tables)
            {
                await using var share = new NpgsqlCommand($"LOCK TABLE {SqlIdentifier.Quote(from.Schema)}.{SqlIdentifier.Quote(table)} IN SHARE MODE", source.Connection, source.Transaction);
                await share.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var destination = await OpenAsync(to, tenant.Id, cancellationToken))
            {
                progress?.Report(TenantMoveStage.Copying);
                await TenantRowCopier.CopyAsync(source.Connection, from.Schema, destination.Connection, to.Schema, tables, tenant.Id, cancellationToken);

                progress?.Report(TenantMoveStage.Verifying);
                copied = await TenantRowCopier.ChecksumAsync(source.Connection, from.Schema, tables, tenant.Id, cancellationToken);
                var landed = await TenantRowCopier.ChecksumAsync(destination.Connection, to.Schema, tables, tenant.Id, cancellationToken);
                if (tables.FirstOrDefault(t => copied[t] != landed[t]) is { } differs)
                {
                    throw new TenantCopyVerificationException(
                        $"The copy of '{differs}' differs: {copied[differs].Rows} rows ({copied[differs].Md5}) became {landed[differs].Rows} ({landed[differs].Md5}).");
                }

                await destination.Transaction.CommitAsync(cancellationToken);
            }

            progress?.Report(TenantMoveStage.Switching);
            await SwitchAsync(tenant, to, frozenUntil, cancellationToken);
            await source.Transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            await UnfreezeAsync(tenant.Id, frozenUntil);
            await storeBuilder.RemoveAsync(to, tenant.Id, CancellationToken.None);
            throw;
        }

        var refusedFor = Stopwatch.GetElapsedTime(frozenAt);
        progress?.Report(TenantMoveStage.RemovingOldCopy);
        await storeBuilder.RemoveAsync(from, tenant.Id, cancellationToken);
        progress?.Report(TenantMoveStage.Done);
        return new TenantMoveResult(tenant.Id, identifier, tenant.Isolation, target, copied, refusedFor, Stopwatch.GetElapsedTime(started));
    }

    private async Task<TenantInfo> LoadAsync(string identifier, CancellationToken cancellationToken) =>
        await registry.ReadAsync(identifier, cancellationToken) is { Status: not (TenantStatus.Deleted or TenantStatus.Provisioning) } tenant
            ? tenant
            : throw new TenantNotFoundException(identifier);

    /// <summary>Old and new stores must have the same tables and columns, so the tenant must have every migration.</summary>
    private async Task EnsureUpToDateAsync(TenantInfo tenant, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(tenant.Isolation == TenantIsolation.Shared
            ? "SELECT array_agg(migration_id) FROM tenancy.shared_migrations"
            : "SELECT array_agg(migration_id) FROM tenancy.tenant_migrations WHERE tenant_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = tenant.Id });
        var applied = await command.ExecuteScalarAsync(cancellationToken) as string[] ?? [];
        if (catalog.Migrations.Any(m => !applied.Contains(m.Id)))
        {
            throw new TenantStateException($"Tenant '{tenant.Identifier}' has pending migrations; migrate it before moving it.");
        }
    }

    private Task<DateTimeOffset?> FreezeAsync(Guid tenantId, CancellationToken cancellationToken) =>
        registry.TryFreezeWritesAsync(tenantId, clock.GetUtcNow().AddSeconds(_options.FreezeSeconds), cancellationToken);

    private Task UnfreezeAsync(Guid tenantId, DateTimeOffset frozenUntil) =>
        registry.UnfreezeWritesAsync(tenantId, frozenUntil, CancellationToken.None);

    /// <summary>The new placement, the migration records its tier needs, and the end of the freeze, in one transaction.</summary>
    private async Task SwitchAsync(TenantInfo tenant, TenantStoreLocation to, DateTimeOffset frozenUntil, CancellationToken cancellationToken)
    {
        await using var transaction = await registry.BeginAsync(cancellationToken);
        if (!await registry.SwitchPlacementAsync(transaction, tenant.Id, to, frozenUntil, cancellationToken))
        {
            throw new TenantMovingException($"Tenant '{tenant.Identifier}''s freeze lapsed before the switch; nothing was switched.");
        }

        if (to.Isolation != TenantIsolation.Shared)
        {
            await TenantSchemaMigrator.RecordAsync(transaction.Connection, transaction.Transaction, tenant.Id, catalog.Migrations, cancellationToken);
        }

        await registry.AnnounceAsync(
            transaction, new TenantLifecycleEvent(TenantLifecycleKind.Moved, tenant.Id, tenant.Identifier, to.Isolation, clock.GetUtcNow()), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static bool SameDatabase(TenantStoreLocation a, TenantStoreLocation b)
    {
        var (x, y) = (new NpgsqlConnectionStringBuilder(a.OwnerConnectionString), new NpgsqlConnectionStringBuilder(b.OwnerConnectionString));
        return string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase) && x.Port == y.Port && x.Database == y.Database;
    }

    internal static async Task<StoreSession> OpenAsync(TenantStoreLocation location, Guid tenantId, CancellationToken cancellationToken, System.Data.IsolationLevel isolation = System.Data.IsolationLevel.ReadCommitted)
    {
        var connection = new NpgsqlConnection(location.OwnerConnectionString);
        await connection.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken);
        // Both sides render rows the same way for the checksums; a non-superuser owner is still under the shared tier's policy.
        await using var setup = new NpgsqlCommand($"SET LOCAL TimeZone = 'UTC'; {TenantRowSecurity.SetTenantSql(tenantId)}", connection, transaction);
        await setup.ExecuteNonQueryAsync(cancellationToken);
        return new StoreSession(connection, transaction);
    }

    internal sealed record StoreSession(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
