using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Features;

/// <summary>
/// A tenant's feature flags for the platform: the Api's admin endpoints and the CLI both come here, so they answer and
/// change alike. Reads are uncached (an admin sees what it just set); every instance applies a change at once.
/// </summary>
public sealed class TenantFeatureAdmin(TenantRegistry registry, TenantFeatures features)
{
    /// <exception cref="TenantNotFoundException">No such tenant, or a deleted one.</exception>
    public async Task<IReadOnlyList<TenantFeatureState>> ListAsync(string identifier, CancellationToken cancellationToken = default) =>
        await features.EvaluateAllAsync(await registry.ReadNotDeletedAsync(identifier, cancellationToken), cancellationToken);

    /// <exception cref="TenantNotFoundException">No such tenant, or a deleted one.</exception>
    /// <exception cref="FeatureNotFoundException">No flag of that name is defined.</exception>
    public async Task<TenantFeatureState> GetAsync(string identifier, string feature, CancellationToken cancellationToken = default) =>
        await features.EvaluateAsync(await registry.ReadNotDeletedAsync(identifier, cancellationToken), feature, cancellationToken);

    /// <summary>Turns <paramref name="feature"/> on or off for this tenant alone, whatever its definition says; with null, back to the definition.</summary>
    /// <exception cref="TenantNotFoundException">No such tenant, or a deleted one.</exception>
    /// <exception cref="FeatureNotFoundException">No flag of that name is defined.</exception>
    public async Task<TenantFeatureState> SetAsync(string identifier, string feature, bool? enabled, CancellationToken cancellationToken = default)
    {
        var name = await features.DefinedNameAsync(feature);
        var tenant = await registry.SetFeatureOverrideAsync(identifier, name, enabled, cancellationToken);
        return await features.EvaluateAsync(TenantInfo.From(tenant), name, cancellationToken);
    }
}
