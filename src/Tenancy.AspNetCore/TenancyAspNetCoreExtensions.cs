using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.AspNetCore.Resolution;

namespace Tenancy.AspNetCore;

public static class TenancyAspNetCoreExtensions
{
    public static IServiceCollection AddTenantResolution(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddSingleton<TenantResolver>();
        return services;
    }

    /// <summary>Resolves every request's tenant; put it before anything that touches tenant data.</summary>
    public static IApplicationBuilder UseTenantResolution(this IApplicationBuilder app) =>
        app.UseMiddleware<TenantResolutionMiddleware>();
}
