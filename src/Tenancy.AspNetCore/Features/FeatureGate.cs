using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Features;

namespace Tenancy.AspNetCore.Features;

public static class FeatureGate
{
    /// <summary>
    /// The endpoints exist only for tenants <paramref name="feature"/> is on for (<see cref="TenantFeatures"/>, which
    /// <c>WithFeatures</c> registers): for the others they answer a bare 404, exactly as an endpoint that does not
    /// exist (with <c>UseStatusCodePages</c>, the same problem body), so a tenant learns nothing of features it does not have.
    /// </summary>
    public static TBuilder RequireFeature<TBuilder>(this TBuilder builder, string feature) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            await context.HttpContext.RequestServices.GetRequiredService<TenantFeatures>().IsEnabledAsync(feature, context.HttpContext.RequestAborted)
                ? await next(context)
                : TypedResults.NotFound());
}
