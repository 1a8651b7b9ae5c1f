using Microsoft.Extensions.DependencyInjection;
using Tenancy.Registry;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests;

/// <summary>Sets a tenant's own limits in the registry, as the admin API does, and waits until the lookup serves them.</summary>
internal static class LimitOverridesSetter
{
    public static async Task<TenantInfo> SetLimitOverridesAsync(this IServiceProvider services, TenantInfo tenant, LimitOverrides overrides)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TenantRegistry>().SetLimitOverridesAsync(tenant.Identifier, overrides);
        }

        var lookup = services.GetRequiredService<TenantLookup>();
        TenantInfo? updated = null;
        await Eventually.TrueAsync(async () => (updated = await lookup.FindByIdentifierAsync(tenant.Identifier))?.LimitOverrides == overrides);
        return updated!;
    }
}
