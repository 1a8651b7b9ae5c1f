using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Placement;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Migrations;

/// <summary>
/// Brings the registry (shared) and every tenant's schema to the latest migration, like django-tenants'
/// <c>migrate_schemas</c>: what is pending is read with one catalogue query, tenants migrate in parallel, each
/// atomically, a failing tenant is reported without stopping the others, and a re-run does only what is left.
/// </summary>
public sealed class TenantMigrationRunner(
    NpgsqlDataSource dataSource,
    TenantMigrationCatalog catalog,
    IDbContextFactory<RegistryDbContext> registryContexts,
    TenantRegistry registry,
    RegistryConnection registryConnection,
    TenantStoreConnections stores)
{
    public TenantMigrationCatalog Catalog => catalog;

    /// <summary>The owner and application connections the migrations run with and grant to.</summary>
    public TenantStoreConnections Stores => stores;

    /// <summary>Applies the registry's own (shared) migrations.</summary>
    public async Task<IReadOnlyList<string>> MigrateSharedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await registryContexts.CreateDbContextAsync(cancellationToken);
        // EF's migration lock is held for the whole session, which a transaction pooler would not keep.
        db.Database.SetDbConnection(new NpgsqlConnection(registryConnection.DirectConnectionString), contextOwnsConnection: true);
        var pending = await GetPendingSharedAsync(db, cancellationToken);
        if (pending.Count > 0)
        {
            await db.MigrateFromEmptyQuietlyAsync(cancellationToken);
        }

        return [.. pending, .. await MigrateSharedStoreAsync(cancellationToken)];
    }

    /// <summary>
    /// Brings the shared tier's schema to the latest tenant migration, in one transaction, and (re)applies its
    /// row-level security and the application role's grants whenever a table may have been added.
    /// </summary>
    private async Task<IReadOnlyList<string>> MigrateSharedStoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(registryConnection.DirectConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        var needsGrant = false;
        await using (var read = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("LOCK TABLE tenancy.shared_migrations IN EXCLUSIVE MODE"),
                new NpgsqlBatchCommand("SELECT migration_id FROM tenancy.shared_migrations"),
                new NpgsqlBatchCommand("""
                    SELECT $1::text IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
                       AND NOT coalesce(has_schema_privilege($1, (SELECT oid FROM pg_namespace WHERE nspname = $2), 'USAGE'), false)
                    """)
                {
                    Parameters = { new NpgsqlParameter { Value = (object?)stores.ApplicationRole ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }, new NpgsqlParameter { Value = TenantStoreNames.SharedSchema } },
                },
            },
        })
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }

            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            needsGrant = reader.GetBoolean(0);
        }

        var pending = catalog.Migrations.Where(m => !applied.Contains(m.Id)).ToList();
        if (pending.Count == 0 && !needsGrant)
        {
            return [];
        }

        var sql = string.Concat(pending.Select(m => TenantSchema.Bind(m.Sql, TenantStoreNames.SharedSchema)))
            + TenantRowSecurity.SecureSharedSchemaSql(stores.ApplicationRole)
            + (needsGrant ? Registry.TenantRegistry.GrantExistingSchemasSql(stores.ApplicationRole!) : "");
        await using (var apply = new NpgsqlCommand(sql, connection, transaction))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var record = new NpgsqlCommand("INSERT INTO tenancy.shared_migrations (migration_id, applied_at) SELECT unnest($1::text[]), now()", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter { Value = pending.Select(m => m.Id).ToArray() });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return [.. pending.Select(m => $"{TenantStoreNames.SharedSchema}: {m.Id}")];
    }

    /// <summary>The registry's pending migrations, then the shared schema's (as "shared: {id}").</summary>
    public async Task<IReadOnlyList<string>> GetPendingSharedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await registryContexts.CreateDbContextAsync(cancellationToken);
        var registryPending = await GetPendingSharedAsync(db, cancellationToken);
        return [.. registryPending, .. (await GetPendingSharedStoreAsync(cancellationToken)).Select(id => $"{TenantStoreNames.SharedSchema}: {id}")];
    }

    /// <summary>The tenant migrations the shared tier's schema lacks.</summary>
    public async Task<IReadOnlyList<string>> GetPendingSharedStoreAsync(CancellationToken cancellationToken = default)
    {
        // Before the registry has its shared_migrations table, every tenant migration is pending in the shared schema.
        string[] applied = [];
        await using (var exists = dataSource.CreateCommand("SELECT to_regclass('tenancy.shared_migrations') IS NOT NULL"))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is true)
            {
                await using var command = dataSource.CreateCommand("SELECT coalesce(array_agg(migration_id), '{}') FROM tenancy.shared_migrations");
                applied = (string[])(await command.ExecuteScalarAsync(cancellationToken))!;
            }
        }

        return [.. catalog.Migrations.Select(m => m.Id).Except(applied, StringComparer.Ordinal)];
    }

    private static async Task<IReadOnlyList<string>> GetPendingSharedAsync(RegistryDbContext db, CancellationToken cancellationToken)
    {
        var applied = await db.GetAppliedMigrationIdsQuietlyAsync(cancellationToken);
        return [.. db.Database.GetMigrations().Except(applied, StringComparer.Ordinal)];
    }

    /// <summary>What each selected tenant of the schema and database tiers still needs.</summary>
    public async Task<IReadOnlyList<TenantMigrationState>> CheckAsync(IReadOnlyCollection<string>? identifiers = null, CancellationToken cancellationToken = default)
    {
        var tenants = await registry.ListServedAsync(identifiers, cancellationToken);
        var applied = new Dictionary<Guid, HashSet<string>>();
        await using (var command = dataSource.CreateCommand("SELECT tenant_id, migration_id FROM tenancy.tenant_migrations WHERE tenant_id = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = tenants.Select(t => t.Id).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var tenantId = reader.GetGuid(0);
                if (!applied.TryGetValue(tenantId, out var ids))
                {
                    applied[tenantId] = ids = new HashSet<string>(StringComparer.Ordinal);
                }

                ids.Add(reader.GetString(1));
            }
        }

        var states = tenants.Where(t => t.Isolation != TenantIsolation.Shared).Select(t => new TenantMigrationState(
                t.Id,
                t.Identifier,
                t.SchemaName!,
                [.. catalog.Migrations.Where(m => applied.GetValueOrDefault(t.Id)?.Contains(m.Id) != true).Select(m => m.Id)],
                t.Isolation,
                t.DatabaseName,
                t.ConnectionReference))
            .ToList();
        Tenants.TenantNotFoundException.ThrowIfAnyMissing(identifiers, states.Select(t => t.Identifier));
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
            await using var registryTransaction = await registry.BeginAsync(cancellationToken);
            var (connection, transaction) = (registryTransaction.Connection, registryTransaction.Transaction);

            // Lock the tenant's row so two runners never migrate one tenant at once, then re-read what it has.
            await using (var timeout = registryTransaction.CreateCommand("SET LOCAL lock_timeout = '30s'"))
            {
                await timeout.ExecuteNonQueryAsync(cancellationToken);
            }

            await registry.LockRowAsync(registryTransaction, state.TenantId, cancellationToken);
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var select = registryTransaction.CreateCommand("SELECT migration_id FROM tenancy.tenant_migrations WHERE tenant_id = $1"))
            {
                select.Parameters.Add(new NpgsqlParameter { Value = state.TenantId });
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            var pending = catalog.Migrations.Where(m => !applied.Contains(m.Id)).ToList();
            if (state.Isolation == TenantIsolation.Database)
            {
                // The tenant's own database first (it remembers what it has), then the registry's record.
                await using var tenantDatabase = new NpgsqlConnection(stores.OwnerFor(state.DatabaseName!, state.ConnectionReference));
                await tenantDatabase.OpenAsync(cancellationToken);
                await TenantDatabaseMigrator.ApplyAsync(tenantDatabase, state.SchemaName, pending, stores.ApplicationRole, cancellationToken);
                await TenantSchemaMigrator.RecordAsync(connection, transaction, state.TenantId, pending, cancellationToken);
            }
            else
            {
                await TenantSchemaMigrator.ApplyAsync(connection, transaction, state.TenantId, state.SchemaName, pending, stores.ApplicationRole, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new TenantMigrationResult(state.Identifier, TenantMigrationOutcome.Migrated, [.. pending.Select(p => p.Id)], null, Stopwatch.GetElapsedTime(started));
        }
        catch (PostgresException ex)
        {
            return new TenantMigrationResult(state.Identifier, TenantMigrationOutcome.Failed, [], $"{ex.SqlState}: {ex.MessageText}", Stopwatch.GetElapsedTime(started));
        }
        catch (NpgsqlException ex) when (state.Isolation == TenantIsolation.Database && !cancellationToken.IsCancellationRequested)
        {
            // A tenant database on an unreachable server fails that tenant, not the run.
            return new TenantMigrationResult(state.Identifier, TenantMigrationOutcome.Failed, [], ex.Message, Stopwatch.GetElapsedTime(started));
        }
    }
}

public sealed record TenantMigrationState(
    Guid TenantId,
    string Identifier,
    string SchemaName,
    IReadOnlyList<string> Pending,
    TenantIsolation Isolation = TenantIsolation.Schema,
    string? DatabaseName = null,
    string? ConnectionReference = null);

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
