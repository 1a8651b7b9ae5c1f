using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>
/// Every name a tenant's store gets, by tier: derived here by code from a validated identifier, never taken from input,
/// and injective (two identifiers never share a name, since '_' is not allowed in identifiers).
/// </summary>
public static class TenantStoreNames
{
    /// <summary>The schema of the shared tier: one set of tables for every shared tenant, walled by row-level security.</summary>
    public const string SharedSchema = "shared";

    private const string SchemaPrefix = "t_";

    private const string DatabasePrefix = "tenant_";

    private const string ContainerPrefix = "t-";

    /// <summary>The schema of a schema-tier or database-tier tenant: <c>t_</c> and the identifier with '-' as '_' (at most 42 characters).</summary>
    public static string ToSchemaName(string identifier) => Derive(SchemaPrefix, identifier);

    /// <summary>The database of a database-tier tenant: <c>tenant_</c> and the identifier with '-' as '_' (at most 47 characters).</summary>
    public static string ToDatabaseName(string identifier) => Derive(DatabasePrefix, identifier);

    /// <summary>
    /// The blob container of a tenant's files: <c>t-</c> and the tenant's id as 32 hex digits (34 characters, within
    /// Azure's 3–63 lower-case letters, digits and '-'). Keyed by the id, not the identifier or the tier: a move between
    /// tiers leaves it where it is, and no identifier reused after a deletion ever meets an older tenant's files.
    /// </summary>
    public static string ToContainerName(Guid tenantId) =>
        tenantId != Guid.Empty
            ? ContainerPrefix + tenantId.ToString("N")
            : throw new ArgumentException("A tenant's id is never empty.", nameof(tenantId));

    /// <summary>The schema that holds the tenant's tables: the shared schema, or its own (in the main database or its own one).</summary>
    public static string SchemaOf(TenantInfo tenant) => tenant.Isolation == TenantIsolation.Shared
        ? SharedSchema
        : tenant.SchemaName ?? throw new InvalidOperationException($"Tenant '{tenant.Identifier}' has no schema.");

    private static string Derive(string prefix, string identifier) =>
        TenantIdentifier.IsValid(identifier)
            ? prefix + identifier.Replace('-', '_')
            : throw new ArgumentException(TenantIdentifier.Validate(identifier), nameof(identifier));
}
