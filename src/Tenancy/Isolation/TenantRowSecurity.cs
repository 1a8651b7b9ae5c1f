using System.Globalization;
using Tenancy.Placement;

namespace Tenancy.Isolation;

/// <summary>
/// Row-level security for the shared tier, the second wall behind the TenantId query filters. Every table of the
/// shared schema has a policy that shows and accepts only rows whose <c>tenant_id</c> equals the transaction-local
/// setting <c>tenancy.tenant_id</c>, with FORCE ROW LEVEL SECURITY, and the application role is neither the owner
/// nor BYPASSRLS. Without the setting a query sees nothing.
/// </summary>
public static class TenantRowSecurity
{
    public const string Setting = "tenancy.tenant_id";

    private const string PolicyName = "tenant_isolation";

    /// <summary>
    /// Sets the tenant for the transaction the command runs in. Npgsql sends a multi-statement command as one batch
    /// in one implicit transaction, so the setting covers exactly that command (or the caller's explicit
    /// transaction) and nothing is left on the connection for a transaction pooler to hand to another client.
    /// DO returns no result set, so readers see the command's own results first. The id is a Guid, formatted here.
    /// </summary>
    public static string Prefix(Guid tenantId) => SetTenantSql(tenantId) + ";\n";

    /// <summary>One statement that sets the tenant for the rest of the transaction.</summary>
    public static string SetTenantSql(Guid tenantId) =>
        string.Create(CultureInfo.InvariantCulture, $"DO $tenancy$ BEGIN PERFORM set_config('{Setting}', '{tenantId:D}', true); END $tenancy$");

    /// <summary>Enables and forces the policy on every table of the shared schema and grants the application role its rows.</summary>
    public static string SecureSharedSchemaSql(string? applicationRole)
    {
        var schema = SqlIdentifier.Quote(TenantStoreNames.SharedSchema);
        var grants = applicationRole is null
            ? ""
            : $"""
                EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', '{TenantStoreNames.SharedSchema}', {Literal(applicationRole)});
                EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', '{TenantStoreNames.SharedSchema}', {Literal(applicationRole)});
              """;
        return $$"""
            DO $tenancy$
            DECLARE t record;
            BEGIN
              FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '{{TenantStoreNames.SharedSchema}}' LOOP
                EXECUTE format('ALTER TABLE {{schema}}.%I ENABLE ROW LEVEL SECURITY', t.tablename);
                EXECUTE format('ALTER TABLE {{schema}}.%I FORCE ROW LEVEL SECURITY', t.tablename);
                EXECUTE format('DROP POLICY IF EXISTS {{PolicyName}} ON {{schema}}.%I', t.tablename);
                EXECUTE format('CREATE POLICY {{PolicyName}} ON {{schema}}.%I USING (tenant_id = nullif(current_setting(%L, true), %L)::uuid) WITH CHECK (tenant_id = nullif(current_setting(%L, true), %L)::uuid)',
                               t.tablename, '{{Setting}}', '', '{{Setting}}', '');
              END LOOP;
            {{grants}}
            END $tenancy$;
            """;
    }

    /// <summary>Grants the application role the tables of one schema (schema tier, database tier).</summary>
    public static string GrantSchemaSql(string schemaName, string applicationRole) =>
        $"GRANT USAGE ON SCHEMA {SqlIdentifier.Quote(schemaName)} TO {SqlIdentifier.Quote(applicationRole)};\n" +
        $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SqlIdentifier.Quote(schemaName)} TO {SqlIdentifier.Quote(applicationRole)};\n";

    /// <summary>Closes a tenant database to everyone but the owner and the application role (database tier, main server).</summary>
    public static string GrantDatabaseSql(string databaseName, string applicationRole) =>
        $"REVOKE ALL ON DATABASE {SqlIdentifier.Quote(databaseName)} FROM PUBLIC; GRANT CONNECT ON DATABASE {SqlIdentifier.Quote(databaseName)} TO {SqlIdentifier.Quote(applicationRole)}";

    internal static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
