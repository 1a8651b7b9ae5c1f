using Npgsql;
using Tenancy.Isolation;
using Tenancy.Placement;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Deletion;

/// <summary>
/// Drops the data of soft-deleted tenants, whatever their tier. A schema: each table in its own transaction, so a
/// tenant with thousands of tables never needs thousands of locks at once (max_locks_per_transaction), and an
/// interrupted drop resumes. The shared tier: the tenant's rows, in one transaction. A database: DROP DATABASE.
/// Then what it has outside PostgreSQL (<see cref="ITenantExternalStore"/>: its files).
/// </summary>
public sealed class TenantDataReaper(
    NpgsqlDataSource dataSource, TenantRegistry registry, TenantStoreConnections stores, TenantDatabasePools pools, IEnumerable<ITenantExternalStore> externalStores)
{
    /// <summary>Drops every deleted tenant's data not dropped yet; returns the identifiers it finished.</summary>
    public async Task<IReadOnlyList<string>> DropDeletedTenantsAsync(CancellationToken cancellationToken = default)
    {
        var pending = await registry.ListDeletedWithDataAsync(cancellationToken);
        foreach (var tenant in pending)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            switch (tenant.Isolation)
            {
                case TenantIsolation.Shared:
                    await DeleteSharedRowsAsync(connection, tenant.Id, cancellationToken);
                    break;
                case TenantIsolation.Database:
                    pools.Evict(stores.ApplicationFor(tenant.DatabaseName!, tenant.ConnectionReference));
                    await TenantDatabases.DropAsync(stores, tenant.DatabaseName!, tenant.ConnectionReference, cancellationToken);
                    break;
                default:
                    await DropTablesAsync(connection, tenant.SchemaName!, cancellationToken);
                    break;
            }

            // Before the registry calls the data dropped: a failure here leaves the tenant pending, to be tried again.
            foreach (var external in externalStores)
            {
                await external.DropAsync(tenant.Id, cancellationToken);
            }

            await FinishAsync(tenant.Id, tenant.Isolation == TenantIsolation.Schema ? tenant.SchemaName : null, cancellationToken);
        }

        return [.. pending.Select(p => p.Identifier)];
    }

    /// <summary>Deletes one tenant's rows from every table of the shared schema, children first, in one transaction.</summary>
    public static async Task DeleteSharedRowsAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var tables = await TenantTables.InDependencyOrderAsync(connection, TenantStoreNames.SharedSchema, transaction, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        // The policy applies to a table owner that is not a superuser too (FORCE): name the tenant first.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(TenantRowSecurity.SetTenantSql(tenantId)));
        foreach (var table in tables.Reverse())
        {
            var delete = new NpgsqlBatchCommand($"DELETE FROM {SqlIdentifier.Quote(TenantStoreNames.SharedSchema)}.{SqlIdentifier.Quote(table)} WHERE tenant_id = $1");
            delete.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            batch.BatchCommands.Add(delete);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task DropTablesAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = $1", connection))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        // Names come from the catalogue and are quoted; the schema name was derived by code at provisioning.
        foreach (var table in tables)
        {
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {SqlIdentifier.Quote(schema)}.{SqlIdentifier.Quote(table)} CASCADE", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task FinishAsync(Guid tenantId, string? schema, CancellationToken cancellationToken)
    {
        await using var transaction = await registry.BeginAsync(cancellationToken);
        await using (var finish = transaction.CreateBatch())
        {
            if (schema is not null)
            {
                finish.BatchCommands.Add(new NpgsqlBatchCommand($"DROP SCHEMA IF EXISTS {SqlIdentifier.Quote(schema)} CASCADE"));
            }

            finish.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM tenancy.tenant_migrations WHERE tenant_id = $1") { Parameters = { new NpgsqlParameter { Value = tenantId } } });
            await finish.ExecuteNonQueryAsync(cancellationToken);
        }

        await registry.MarkDataDroppedAsync(transaction, tenantId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
