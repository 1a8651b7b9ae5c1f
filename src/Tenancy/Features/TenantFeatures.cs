using Microsoft.FeatureManagement;
using Tenancy.Context;
using Tenancy.Tenants;

namespace Tenancy.Features;

/// <summary>
/// Feature flags as the application asks for them: for the current tenant (the request's, or a tenant scope's), its
/// override if a platform admin set one, else the flag's definition targeted at the tenant and its plan. Overrides come
/// with the tenant's <see cref="TenantInfo"/>, so they are cached, and dropped on change, with the registry row.
/// </summary>
public sealed class TenantFeatures(IVariantFeatureManager features, IFeatureDefinitionProvider definitions, ITenantContextAccessor tenants)
{
    /// <summary>Whether <paramref name="feature"/> is on for the current tenant; on the platform, what the definition gives no tenant. Unknown flags are off.</summary>
    public Task<bool> IsEnabledAsync(string feature, CancellationToken cancellationToken = default) =>
        tenants.Current is { } tenant ? IsEnabledAsync(tenant, feature, cancellationToken) : features.IsEnabledAsync(feature, cancellationToken).AsTask();

    /// <summary>Whether <paramref name="feature"/> is on for <paramref name="tenant"/>.</summary>
    public async Task<bool> IsEnabledAsync(TenantInfo tenant, string feature, CancellationToken cancellationToken = default) =>
        OverrideOf(tenant, feature) ?? await features.IsEnabledAsync(feature, TenantTargeting.For(tenant), cancellationToken);

    /// <summary>Every defined flag as it stands for <paramref name="tenant"/>, by name.</summary>
    public async Task<IReadOnlyList<TenantFeatureState>> EvaluateAllAsync(TenantInfo tenant, CancellationToken cancellationToken = default)
    {
        var states = new List<TenantFeatureState>();
        await foreach (var definition in definitions.GetAllFeatureDefinitionsAsync().WithCancellation(cancellationToken))
        {
            states.Add(await EvaluateAsync(tenant, definition.Name, cancellationToken));
        }

        return [.. states.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>One flag as it stands for <paramref name="tenant"/>.</summary>
    /// <exception cref="FeatureNotFoundException">No flag of that name is defined.</exception>
    public async Task<TenantFeatureState> EvaluateAsync(TenantInfo tenant, string feature, CancellationToken cancellationToken = default)
    {
        var name = await DefinedNameAsync(feature);
        return TenantFeatureState.Of(name, OverrideOf(tenant, name), await features.IsEnabledAsync(name, TenantTargeting.For(tenant), cancellationToken));
    }

    /// <summary>The flag's name as defined (configuration keys ignore case; overrides are stored under this spelling).</summary>
    /// <exception cref="FeatureNotFoundException">No flag of that name is defined.</exception>
    public async Task<string> DefinedNameAsync(string feature) =>
        // ':' would reach into a flag's own configuration (FeatureManagement:{flag}:EnabledFor), which is no flag.
        (string.IsNullOrWhiteSpace(feature) || feature.Length > MaxNameLength || feature.Contains(':', StringComparison.Ordinal)
            ? null
            : await definitions.GetFeatureDefinitionAsync(feature))?.Name
        ?? throw new FeatureNotFoundException(feature.Length > MaxNameLength ? feature[..MaxNameLength] + "…" : feature);

    /// <summary>The longest flag name looked up; longer ones are unknown without asking the configuration.</summary>
    public const int MaxNameLength = 200;

    private static bool? OverrideOf(TenantInfo tenant, string feature) =>
        tenant.FeatureOverrides is { } overrides && overrides.TryGetValue(feature, out var enabled) ? enabled : null;
}
