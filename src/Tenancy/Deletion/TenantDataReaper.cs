using Npgsql;
using Tenancy.Isolation;

namespace Tenancy.Deletion;

/// <summary>
/// Drops the data of soft-deleted tenants. Each table goes in its own transaction, so a tenant with thousands of
/// tables never needs thousands of locks at once (max_locks_per_transaction), and an interrupted drop resumes.
/// </summary>
public sealed class TenantDataReaper(NpgsqlDataSource dataSource)
{
    /// <summary>Drops every deleted tenant's schema not dropped yet; returns the identifiers it finished.</summary>
    public async Task<IReadOnlyList<string>> DropDeletedTenantsAsync(CancellationToken cancellationToken = default)
    {
        var pending = new List<(Guid Id, string Identifier, string Schema)>();
        await using (var select = dataSource.CreateCommand(
            "SELECT id, identifier, schema_name FROM tenancy.tenants WHERE status = 'Deleted' AND data_dropped_at IS NULL AND schema_name IS NOT NULL"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pending.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (id, _, schema) in pending)
        {
            await DropSchemaAsync(id, schema, cancellationToken);
        }

        return [.. pending.Select(p => p.Identifier)];
    }

    private async Task DropSchemaAsync(Guid tenantId, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
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

        await using var finish = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"DROP SCHEMA IF EXISTS {SqlIdentifier.Quote(schema)} CASCADE"),
                new NpgsqlBatchCommand("UPDATE tenancy.tenants SET data_dropped_at = now() WHERE id = $1") { Parameters = { new NpgsqlParameter { Value = tenantId } } },
                new NpgsqlBatchCommand("DELETE FROM tenancy.tenant_migrations WHERE tenant_id = $1") { Parameters = { new NpgsqlParameter { Value = tenantId } } },
            },
        };
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        finish.Transaction = transaction;
        await finish.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
