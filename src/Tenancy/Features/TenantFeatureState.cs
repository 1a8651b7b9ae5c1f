namespace Tenancy.Features;

/// <summary>One feature flag as it stands for one tenant.</summary>
/// <param name="Enabled">What code running for the tenant gets.</param>
/// <param name="Override">The tenant's own on/off set by a platform admin, which wins over the definition; null: the definition decides.</param>
/// <param name="Definition">What the flag's definition (configuration, targeting) alone gives the tenant.</param>
public sealed record TenantFeatureState(string Name, bool Enabled, bool? Override, bool Definition)
{
    /// <summary>The one precedence rule: a tenant's override wins over the definition.</summary>
    public static TenantFeatureState Of(string name, bool? tenantOverride, bool definition) =>
        new(name, tenantOverride ?? definition, tenantOverride, definition);
}

/// <summary>No feature flag of that name is defined (<c>FeatureManagement</c> configuration).</summary>
public sealed class FeatureNotFoundException(string feature) : Exception($"No feature flag '{feature}' is defined.")
{
    public string Feature { get; } = feature;
}
