using Npgsql;
using Tenancy.Isolation;

namespace Tenancy.Migrations;

/// <summary>Applies migration scripts to one tenant's schema inside the caller's transaction, and records them.</summary>
internal static class TenantSchemaMigrator
{
    public static async Task ApplyAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid tenantId,
        string schemaName,
        IReadOnlyList<TenantMigrationScript> scripts,
        CancellationToken cancellationToken)
    {
        if (scripts.Count == 0)
        {
            return;
        }

        // One round trip for the DDL: the scripts are plain SQL with the schema bound in.
        var ddl = string.Concat(scripts.Select(s => TenantSchema.Bind(s.Sql, schemaName)));
        await using (var apply = new NpgsqlCommand(ddl, connection, transaction))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var record = new NpgsqlCommand(
            "INSERT INTO tenancy.tenant_migrations (tenant_id, migration_id, applied_at) SELECT $1, unnest($2::text[]), now()",
            connection,
            transaction);
        record.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        record.Parameters.Add(new NpgsqlParameter { Value = scripts.Select(s => s.Id).ToArray() });
        await record.ExecuteNonQueryAsync(cancellationToken);
    }
}
