using Npgsql;

namespace Tenancy.Migrations;

/// <summary>
/// Applies migration scripts inside a database-tier tenant's own database. The registry lives in another database,
/// so the tenant database also records what it has (<c>public.tenancy_migrations</c>, in the same transaction as
/// the DDL): a run killed between the two commits re-records without re-applying.
/// </summary>
internal static class TenantDatabaseMigrator
{
    private const string LocalHistory = "public.tenancy_migrations";

    /// <summary>Applies what the tenant database lacks of <paramref name="scripts"/>, in one transaction on <paramref name="connection"/>.</summary>
    public static async Task ApplyAsync(
        NpgsqlConnection connection,
        string schemaName,
        IReadOnlyList<TenantMigrationScript> scripts,
        string? applicationRole,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var history = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"CREATE TABLE IF NOT EXISTS {LocalHistory} (migration_id varchar(150) PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"),
                new NpgsqlBatchCommand($"LOCK TABLE {LocalHistory} IN EXCLUSIVE MODE"),
                new NpgsqlBatchCommand($"SELECT migration_id FROM {LocalHistory}"),
            },
        })
        await using (var reader = await history.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var missing = scripts.Where(s => !applied.Contains(s.Id)).ToList();
        if (missing.Count > 0)
        {
            await TenantSchemaMigrator.ApplyScriptsAsync(connection, transaction, schemaName, missing, applicationRole, cancellationToken);
            await using var record = new NpgsqlCommand($"INSERT INTO {LocalHistory} (migration_id) SELECT unnest($1::text[])", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = missing.Select(s => s.Id).ToArray() });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
