using Microsoft.Extensions.Options;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Settings;

/// <summary>
/// Reads and sets a tenant's branding and settings for the platform: the Api's admin endpoints and the CLI both come
/// here, so they validate and store alike. Code running for a tenant reads them from its <see cref="TenantInfo"/>.
/// </summary>
public sealed class TenantSettingsService(TenantRegistry registry, IOptions<TenantSettingsOptions> options)
{
    /// <exception cref="TenantNotFoundException">No such tenant, or a deleted one.</exception>
    public async Task<TenantSettings> GetAsync(string identifier, CancellationToken cancellationToken = default) =>
        (await registry.ReadNotDeletedAsync(identifier, cancellationToken)).Settings ?? TenantSettings.Empty;

    /// <summary>Replaces the tenant's branding and settings; every instance serves them at once.</summary>
    /// <exception cref="TenantValidationException">A rule is broken (per field); nothing is stored.</exception>
    /// <exception cref="TenantNotFoundException">No such tenant, or a deleted one.</exception>
    public async Task<TenantSettings> SetAsync(string identifier, TenantSettings settings, CancellationToken cancellationToken = default)
    {
        var (checkedSettings, errors) = TenantSettingsRules.Check(settings, options.Value);
        if (errors.Count > 0)
        {
            throw new TenantValidationException(errors);
        }

        var tenant = await registry.SetSettingsAsync(identifier, checkedSettings, cancellationToken);
        return TenantInfo.From(tenant).Settings ?? TenantSettings.Empty;
    }
}
