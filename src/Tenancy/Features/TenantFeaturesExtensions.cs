using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;

namespace Tenancy.Features;

public static class TenantFeaturesExtensions
{
    /// <summary>
    /// Feature flags per tenant: Microsoft.FeatureManagement over the <c>FeatureManagement</c> configuration section
    /// (the library's own schema), its targeting filter aimed at the current tenant and its plan
    /// (<see cref="TenantTargeting"/>), <see cref="TenantFeatures"/> for the application and
    /// <see cref="TenantFeatureAdmin"/> for the platform; once, however often it is asked for.
    /// </summary>
    public static TenancyBuilder WithFeatures(this TenancyBuilder tenancy)
    {
        if (!tenancy.TryAdd("features"))
        {
            return tenancy;
        }

        tenancy.Services.AddFeatureManagement().WithTargeting<TenantTargetingContextAccessor>();
        tenancy.Services.AddSingleton<TenantFeatures>();
        tenancy.Services.AddSingleton<TenantFeatureAdmin>();
        return tenancy;
    }
}
