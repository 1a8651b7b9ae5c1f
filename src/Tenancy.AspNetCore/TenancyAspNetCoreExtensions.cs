using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.AspNetCore.Resolution;
using Tenancy.AspNetCore.Usage;

namespace Tenancy.AspNetCore;

public static class TenancyAspNetCoreExtensions
{
    /// <summary>Each request's tenant from its host, <c>X-Tenant</c> header or <c>/t/{tenant}</c> prefix (<see cref="TenantResolver"/>), as <c>UseTenancy</c> runs it.</summary>
    public static TenancyBuilder WithRequestResolution(this TenancyBuilder tenancy)
    {
        if (tenancy.TryAdd(TenancyFeatures.RequestResolution))
        {
            tenancy.Services.AddProblemDetails();
            tenancy.Services.AddSingleton<TenantResolver>();
        }

        return tenancy;
    }

    /// <summary>
    /// The tenancy middleware, in the order each needs: the tenant's resolution (it routes the request itself,
    /// <c>UseRouting</c>, between the path prefix's rewrite, which must come before routing, and the resolution, which
    /// reads the matched endpoint's <see cref="TenantRequirement"/>: so do not call <c>UseRouting</c> before it), then
    /// usage metering (before the rate limiter, so refused requests count), the rate limiter, authentication and
    /// authorization, each where its <c>WithXxx</c> was registered. Put it before anything that touches tenant data.
    /// </summary>
    public static IApplicationBuilder UseTenancy(this IApplicationBuilder app)
    {
        var features = app.ApplicationServices.GetService<TenancyFeatures>()
            ?? throw new InvalidOperationException("UseTenancy needs builder.AddTenancy<TDbContext>(...).WithRequestResolution() (or WithAccounts) first.");
        if (!features.Contains(TenancyFeatures.RequestResolution))
        {
            throw new InvalidOperationException("UseTenancy needs WithRequestResolution() (or WithAccounts) on AddTenancy's result.");
        }

        app.UseMiddleware<TenantPathMiddleware>().UseRouting().UseMiddleware<TenantResolutionMiddleware>();
        if (features.Contains(TenancyFeatures.Usage))
        {
            app.UseMiddleware<TenantUsageMiddleware>();
        }

        if (features.Contains(TenancyFeatures.RateLimiter))
        {
            app.UseRateLimiter();
        }

        if (features.Contains(TenancyFeatures.Authentication))
        {
            app.UseAuthentication().UseAuthorization();
        }

        return app;
    }
}
