using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Tenancy.Context;

namespace Tenancy.AspNetCore.Resolution;

/// <summary>
/// Where a request's tenant is decided: it becomes the ambient tenant (<see cref="TenantContext"/>) for the rest of
/// the pipeline, and its id and identifier go on the request's span and log scope. A request whose tenant cannot be
/// resolved ends here with problem details.
/// </summary>
internal sealed class TenantResolutionMiddleware(
    RequestDelegate next,
    TenantResolver resolver,
    TenancyOptions options,
    IProblemDetailsService problemDetails,
    ILogger<TenantResolutionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var resolution = await resolver.ResolveAsync(context.Request, context.RequestAborted);
        switch (resolution)
        {
            case TenantResolution.Rejected rejected:
                context.Response.StatusCode = rejected.Status;
                await problemDetails.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = rejected.Status, Title = rejected.Title, Detail = rejected.Detail },
                });
                return;

            case TenantResolution.Resolved { Tenant: var tenant }:
                if (options.EnablePathResolution && TenantResolver.TryReadPathIdentifier(context.Request.Path, out var identifier, out var remaining))
                {
                    context.Request.PathBase = context.Request.PathBase.Add($"{TenantResolver.PathPrefix}/{identifier}");
                    context.Request.Path = remaining;
                }

                Activity.Current?.SetTag("tenant.id", tenant.Id).SetTag("tenant.identifier", tenant.Identifier);
                using (TenantContext.Enter(tenant))
                using (logger.BeginScope(new Dictionary<string, object> { ["tenant.id"] = tenant.Id, ["tenant.identifier"] = tenant.Identifier }))
                {
                    await next(context);
                }

                return;

            default:
                await next(context);
                return;
        }
    }
}
