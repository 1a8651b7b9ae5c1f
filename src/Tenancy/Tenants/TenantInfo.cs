namespace Tenancy.Tenants;

/// <summary>The current tenant as code running for it sees it: an immutable snapshot of the registry row.</summary>
public sealed record TenantInfo(
    Guid Id,
    string Identifier,
    string Name,
    TenantStatus Status,
    TenantIsolation Isolation,
    string? SchemaName,
    string Plan,
    PlanLimits Limits,
    string? DatabaseName = null,
    string? ConnectionReference = null,
    DateTimeOffset? WritesFrozenUntil = null,
    LimitOverrides? LimitOverrides = null)
{
    public static TenantInfo From(Tenant tenant) => new(
        tenant.Id, tenant.Identifier, tenant.Name, tenant.Status, tenant.Isolation, tenant.SchemaName, tenant.Plan, tenant.Limits,
        tenant.DatabaseName, tenant.ConnectionReference, tenant.WritesFrozenUntil, tenant.LimitOverrides);
}
