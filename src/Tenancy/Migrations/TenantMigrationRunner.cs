using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Tenancy.Registry;

namespace Tenancy.Migrations;

/// <summary>
/// Brings the registry (shared) and every tenant's schema to the latest migration, like django-tenants'
/// <c>migrate_schemas</c>: what is pending is read with one catalogue query, tenants migrate in parallel, each
/// atomically, a failing tenant is reported without stopping the others, and a re-run does only what is left.
/// </summary>
public sealed class TenantMigrationRunner(
    NpgsqlDataSource dataSource,
    TenantMigrationCatalog catalog,
    IDbContextFactory<RegistryDbContext> registry,
    RegistryConnection registryConnection)
{
    public TenantMigrationCatalog Catalog => catalog;

    /// <summary>Applies the registry's own (shared) migrations.</summary>
    public async Task<IReadOnlyList<string>> MigrateSharedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await registry.CreateDbContextAsync(cancellationToken);
        // EF's migration lock is held for the whole session, which a transaction pooler would not keep.
        db.Database.SetDbConnection(new NpgsqlConnection(registryConnection.DirectConnectionString), contextOwnsConnection: true);
        var pending = await GetPendingSharedAsync(db, cancellationToken);
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        return pending;
    }

    public async Task<IReadOnlyList<string>> GetPendingSharedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await registry.CreateDbContextAsync(cancellationToken);
        return await GetPendingSharedAsync(db, cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> GetPendingSharedAsync(RegistryDbContext db, CancellationToken cancellationToken)
    {
        // Asking a fresh database for its applied migrations would fail (and log an error) before the history table exists.
        var history = db.GetService<IHistoryRepository>();
        var applied = await history.ExistsAsync(cancellationToken)
            ? (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(m => m.MigrationId).ToHashSet(StringComparer.Ordinal)
            : [];
        return [.. db.Database.GetMigrations().Where(id => !applied.Contains(id))];
    }

    /// <summary>What each selected tenant still needs, from one query over the registry.</summary>
    public async Task<IReadOnlyList<TenantMigrationState>> CheckAsync(IReadOnlyCollection<string>? identifiers = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT t.id, t.identifier, t.schema_name, coalesce(array_agg(m.migration_id) FILTER (WHERE m.migration_id IS NOT NULL), '{}')
            FROM tenancy.tenants t
            LEFT JOIN tenancy.tenant_migrations m ON m.tenant_id = t.id
            WHERE t.status <> 'Deleted' AND t.isolation = 'Schema' AND ($1::text[] IS NULL OR t.identifier = ANY($1))
            GROUP BY t.id
            ORDER BY t.identifier
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = identifiers?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var states = new List<TenantMigrationState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var applied = reader.GetFieldValue<string[]>(3).ToHashSet(StringComparer.Ordinal);
            states.Add(new TenantMigrationState(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                [.. catalog.Migrations.Where(m => !applied.Contains(m.Id)).Select(m => m.Id)]));
        }

        if (identifiers is not null && identifiers.Except(states.Select(s => s.Identifier), StringComparer.Ordinal).FirstOrDefault() is { } missing)
        {
            throw new Context.TenantNotFoundException(missing);
        }

        return states;
    }

    /// <summary>Migrates the selected tenants (all when null), <paramref name="parallelism"/> at a time, reporting each as it finishes.</summary>
    public async Task<IReadOnlyList<TenantMigrationResult>> MigrateTenantsAsync(
        IReadOnlyCollection<string>? identifiers = null,
        int parallelism = 4,
        IProgress<TenantMigrationResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var states = await CheckAsync(identifiers, cancellationToken);
        var results = new List<TenantMigrationResult>(states.Count);
        await Parallel.ForEachAsync(
            states,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (state, ct) =>
            {
                var result = state.Pending.Count == 0
                    ? new TenantMigrationResult(state.Identifier, TenantMigrationOutcome.UpToDate, [], null, TimeSpan.Zero)
                    : await MigrateOneAsync(state, ct);
                lock (results)
                {
                    results.Add(result);
                }

                progress?.Report(result);
            });
        return [.. results.OrderBy(r => r.Identifier, StringComparer.Ordinal)];
    }

    private async Task<TenantMigrationResult> MigrateOneAsync(TenantMigrationState state, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

            // Lock the tenant's row so two runners never migrate one tenant at once, then re-read what it has.
            await using var lockTenant = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SET LOCAL lock_timeout = '30s'"),
                    new NpgsqlBatchCommand("SELECT migration_id FROM tenancy.tenant_migrations WHERE tenant_id = (SELECT id FROM tenancy.tenants WHERE id = $1 FOR UPDATE)")
                    {
                        Parameters = { new NpgsqlParameter { Value = state.TenantId } },
                    },
                },
            };
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await lockTenant.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            var pending = catalog.Migrations.Where(m => !applied.Contains(m.Id)).ToList();
            await TenantSchemaMigrator.ApplyAsync(connection, transaction, state.TenantId, state.SchemaName, pending, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new TenantMigrationResult(state.Identifier, TenantMigrationOutcome.Migrated, [.. pending.Select(p => p.Id)], null, Stopwatch.GetElapsedTime(started));
        }
        catch (PostgresException ex)
        {
            return new TenantMigrationResult(state.Identifier, TenantMigrationOutcome.Failed, [], $"{ex.SqlState}: {ex.MessageText}", Stopwatch.GetElapsedTime(started));
        }
    }
}

public sealed record TenantMigrationState(Guid TenantId, string Identifier, string SchemaName, IReadOnlyList<string> Pending);

public enum TenantMigrationOutcome
{
    UpToDate,
    Migrated,
    Failed,
}

public sealed record TenantMigrationResult(
    string Identifier,
    TenantMigrationOutcome Outcome,
    IReadOnlyList<string> Applied,
    string? Error,
    TimeSpan Elapsed);
