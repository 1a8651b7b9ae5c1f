using Tenancy.Settings;

namespace Tenancy.Tenants;

/// <summary>The current tenant as code running for it sees it: an immutable snapshot of the registry row.</summary>
/// <param name="FeatureOverrides">Feature flags a platform admin turned on or off for this tenant alone (null: none); they win over the flags' definitions.</param>
/// <param name="Settings">Branding and application settings (null: none set).</param>
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
    LimitOverrides? LimitOverrides = null,
    IReadOnlyDictionary<string, bool>? FeatureOverrides = null,
    TenantSettings? Settings = null)
{
    public static TenantInfo From(Tenant tenant) => new(
        tenant.Id, tenant.Identifier, tenant.Name, tenant.Status, tenant.Isolation, tenant.SchemaName, tenant.Plan, tenant.Limits,
        tenant.DatabaseName, tenant.ConnectionReference, tenant.WritesFrozenUntil, tenant.LimitOverrides,
        tenant.FeatureOverrides, new TenantSettings(tenant.Branding, tenant.Settings));
}
