using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Context;

namespace Tenancy.AspNetCore.Resolution;

public static class TenantEndpointConventions
{
    /// <summary>The endpoints serve tenant data: a request without a tenant is refused before the handler runs.</summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<ITenantContextAccessor>().Current is null
                ? TypedResults.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Tenant required",
                    detail: $"This endpoint serves a tenant's data: call it on the tenant's host or name the tenant in the {TenantResolver.HeaderName} header.")
                : await next(context));

    /// <summary>The endpoints belong to the platform: on a tenant's host they do not exist.</summary>
    public static TBuilder RequirePlatform<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<ITenantContextAccessor>().Current is null
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "This endpoint is served on the platform's host only."));
}
