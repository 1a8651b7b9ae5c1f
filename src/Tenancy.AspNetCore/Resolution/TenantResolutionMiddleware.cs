using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Tenancy.Context;
using Tenancy.Telemetry;

namespace Tenancy.AspNetCore.Resolution;

/// <summary>
/// Where a request's tenant is decided: it becomes the ambient tenant (<see cref="TenantContext"/>) for the rest of
/// the pipeline, and its id and identifier go on the request's span and log scope. A request whose tenant cannot be
/// resolved, or that reaches an endpoint for the other side (<see cref="TenantRequirement"/>), ends here with problem
/// details.
/// </summary>
internal sealed class TenantResolutionMiddleware(
    RequestDelegate next,
    TenantResolver resolver,
    IProblemDetailsService problemDetails,
    TenantMetricTags metricTags,
    ILogger<TenantResolutionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var resolution = await resolver.ResolveAsync(context.Request, context.RequestAborted);
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<TenantRequirement>();
        switch (resolution)
        {
            case TenantResolution.Rejected rejected:
                await RejectAsync(context, rejected);
                return;

            case TenantResolution.Resolved when ReferenceEquals(requirement, TenantRequirement.Platform):
                await RejectAsync(context, new TenantResolution.Rejected(
                    StatusCodes.Status404NotFound, "Not found", "This endpoint is served on the platform's host only."));
                return;

            case TenantResolution.Platform when ReferenceEquals(requirement, TenantRequirement.Tenant):
                await RejectAsync(context, new TenantResolution.Rejected(
                    StatusCodes.Status400BadRequest,
                    "Tenant required",
                    $"This endpoint serves a tenant's data: call it on the tenant's host or name the tenant in the {TenantResolver.HeaderName} header."));
                return;

            case TenantResolution.Resolved { Tenant: var tenant }:
                Activity.Current.SetTenantTags(tenant);
                // http.server.request.duration by plan (and by tenant for the allow-listed few): bounded dimensions.
                if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
                {
                    var tags = metricTags.For(tenant);
                    for (var i = 0; i < tags.Count; i++)
                    {
                        metrics.Tags.Add(tags[i]);
                    }
                }

                using (TenantContext.Enter(tenant))
                using (logger.BeginScope(TenantTags.Of(tenant)))
                {
                    await next(context);
                }

                return;

            default:
                await next(context);
                return;
        }
    }

    private async Task RejectAsync(HttpContext context, TenantResolution.Rejected rejected)
    {
        context.Response.StatusCode = rejected.Status;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = rejected.Status, Title = rejected.Title, Detail = rejected.Detail },
        });
    }
}
