using Microsoft.AspNetCore.Http;

namespace Tenancy.AspNetCore.Resolution;

/// <summary>The <c>/t/{identifier}</c> prefix a request came with, taken off its path before routing.</summary>
public sealed record TenantPathFeature(string Identifier);

/// <summary>
/// With <see cref="TenancyOptions.EnablePathResolution"/> on, moves a leading <c>/t/{identifier}</c> from the path into
/// the path base, as <c>UsePathBase</c> does, so routing matches <c>/api/…</c> as on the tenant's host; the identifier
/// is kept for <see cref="TenantResolver"/>, which checks it against the host and header after routing. It must run
/// before routing: a rewrite after it changes nothing the router already matched.
/// </summary>
internal sealed class TenantPathMiddleware(RequestDelegate next, TenancyOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (options.EnablePathResolution && TenantResolver.TryReadPathIdentifier(context.Request.Path, out var identifier, out var remaining))
        {
            context.Features.Set(new TenantPathFeature(identifier));
            context.Request.PathBase = context.Request.PathBase.Add($"{TenantResolver.PathPrefix}/{identifier}");
            context.Request.Path = remaining.HasValue ? remaining : "/";
        }

        return next(context);
    }
}
