namespace Tenancy.Isolation;

/// <summary>
/// Tenant tables are modelled in a placeholder schema; each command's SQL names the current tenant's schema
/// instead, just before it is sent. One EF model and one connection pool serve every tenant, and no session
/// state (search_path) exists that a pooler could carry from one tenant to another.
/// </summary>
public static class TenantSchema
{
    public const string Placeholder = "__tenant_schema__";

    public static string Bind(string sql, string schemaName) =>
        sql.Replace(Placeholder, schemaName, StringComparison.Ordinal);
}
