using Npgsql;
using Tenancy.Isolation;

namespace Tenancy.Migrations;

/// <summary>Applies migration scripts to one tenant's schema inside the caller's transaction, and records them.</summary>
internal static class TenantSchemaMigrator
{
    /// <summary>Applies <paramref name="scripts"/> to <paramref name="schemaName"/> and records them in the registry, on one connection.</summary>
    public static async Task ApplyAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid tenantId,
        string schemaName,
        IReadOnlyList<TenantMigrationScript> scripts,
        string? applicationRole,
        CancellationToken cancellationToken)
    {
        if (scripts.Count == 0)
        {
            return;
        }

        await ApplyScriptsAsync(connection, transaction, schemaName, scripts, applicationRole, cancellationToken);
        await RecordAsync(connection, transaction, tenantId, scripts, cancellationToken);
    }

    /// <summary>The DDL only, in one round trip, then the application role's grants on the schema's (new) tables.</summary>
    public static async Task ApplyScriptsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string schemaName,
        IReadOnlyList<TenantMigrationScript> scripts,
        string? applicationRole,
        CancellationToken cancellationToken)
    {
        if (Ddl(schemaName, scripts, applicationRole) is not { Length: > 0 } ddl)
        {
            return;
        }

        await using var apply = new NpgsqlCommand(ddl, connection, transaction);
        await apply.ExecuteNonQueryAsync(cancellationToken);
    }

    // The grant only when a table is new: granting every table of the schema again costs each migration a catalogue write per table.
    private static string Ddl(string schemaName, IReadOnlyList<TenantMigrationScript> scripts, string? applicationRole) =>
        string.Concat(scripts.Select(s => TenantSchema.Bind(s.Sql, schemaName)))
        + (applicationRole is null || !scripts.Any(s => s.CreatesTables) ? "" : TenantRowSecurity.GrantSchemaSql(schemaName, applicationRole));

    /// <summary>Records <paramref name="scripts"/> as applied to the tenant, in the registry.</summary>
    public static async Task RecordAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid tenantId,
        IReadOnlyList<TenantMigrationScript> scripts,
        CancellationToken cancellationToken)
    {
        await using var record = new NpgsqlCommand(
            "INSERT INTO tenancy.tenant_migrations (tenant_id, migration_id, applied_at) SELECT $1, unnest($2::text[]), now() ON CONFLICT DO NOTHING",
            connection,
            transaction);
        record.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        record.Parameters.Add(new NpgsqlParameter { Value = scripts.Select(s => s.Id).ToArray() });
        await record.ExecuteNonQueryAsync(cancellationToken);
    }
}
