using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>Where a tenant's tables are, by tier: names are derived here by code, never taken from input.</summary>
public static class TenantStore
{
    /// <summary>The schema of the shared tier: one set of tables for every shared tenant, walled by row-level security.</summary>
    public const string SharedSchema = "shared";

    private const string DatabasePrefix = "tenant_";

    /// <summary>The schema that holds the tenant's tables: the shared schema, or its own (in the main database or its own one).</summary>
    public static string SchemaOf(TenantInfo tenant) => tenant.Isolation == TenantIsolation.Shared
        ? SharedSchema
        : tenant.SchemaName ?? throw new InvalidOperationException($"Tenant '{tenant.Identifier}' has no schema.");

    /// <summary>The database of a database-tier tenant: <c>tenant_</c> and the identifier with '-' as '_' (injective, at most 47 characters).</summary>
    public static string ToDatabaseName(string identifier) =>
        TenantIdentifier.IsValid(identifier)
            ? DatabasePrefix + identifier.Replace('-', '_')
            : throw new ArgumentException(TenantIdentifier.Validate(identifier), nameof(identifier));
}
