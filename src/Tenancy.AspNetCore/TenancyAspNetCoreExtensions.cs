using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.AspNetCore.Resolution;
using Tenancy.AspNetCore.Usage;

namespace Tenancy.AspNetCore;

public static class TenancyAspNetCoreExtensions
{
    public static IServiceCollection AddTenantResolution(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddSingleton<TenantResolver>();
        return services;
    }

    /// <summary>
    /// Resolves every request's tenant; put it before anything that touches tenant data. It routes the request itself
    /// (<c>UseRouting</c>) between the path prefix's rewrite, which must come before routing, and the resolution,
    /// which reads the matched endpoint's <see cref="TenantRequirement"/>; so do not call <c>UseRouting</c> before it.
    /// </summary>
    public static IApplicationBuilder UseTenantResolution(this IApplicationBuilder app) =>
        app.UseMiddleware<TenantPathMiddleware>()
            .UseRouting()
            .UseMiddleware<TenantResolutionMiddleware>();

    /// <summary>Meters each tenant request (<see cref="Tenancy.Usage.UsageMeter"/>); after <see cref="UseTenantResolution"/>, before the rate limiter.</summary>
    public static IApplicationBuilder UseTenantUsage(this IApplicationBuilder app) =>
        app.UseMiddleware<TenantUsageMiddleware>();
}
