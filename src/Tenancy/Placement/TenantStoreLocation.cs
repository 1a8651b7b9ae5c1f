using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>Where one tenant's rows are: a database (the owner's connection) and a schema; rows are always told apart by tenant_id.</summary>
public sealed record TenantStoreLocation(TenantIsolation Isolation, string OwnerConnectionString, string Schema, string? DatabaseName, string? ConnectionReference)
{
    public static TenantStoreLocation Of(Tenant tenant, TenantStoreConnections stores) => Of(TenantInfo.From(tenant), stores);

    public static TenantStoreLocation Of(TenantInfo tenant, TenantStoreConnections stores) => tenant.Isolation switch
    {
        TenantIsolation.Shared => new(tenant.Isolation, stores.OwnerConnectionString, TenantStoreNames.SharedSchema, null, null),
        TenantIsolation.Schema => new(tenant.Isolation, stores.OwnerConnectionString, tenant.SchemaName!, null, null),
        _ => new(tenant.Isolation, stores.OwnerFor(tenant.DatabaseName!, tenant.ConnectionReference), tenant.SchemaName!, tenant.DatabaseName, tenant.ConnectionReference),
    };

    /// <summary>The placement <paramref name="isolation"/> gives the tenant named <paramref name="identifier"/>.</summary>
    public static TenantStoreLocation For(string identifier, TenantIsolation isolation, string? reference, TenantStoreConnections stores) => isolation switch
    {
        TenantIsolation.Shared => new(isolation, stores.OwnerConnectionString, TenantStoreNames.SharedSchema, null, null),
        TenantIsolation.Schema => new(isolation, stores.OwnerConnectionString, TenantStoreNames.ToSchemaName(identifier), null, null),
        _ => new(isolation, stores.OwnerFor(TenantStoreNames.ToDatabaseName(identifier), reference), TenantStoreNames.ToSchemaName(identifier), TenantStoreNames.ToDatabaseName(identifier), reference),
    };
}
