using Microsoft.AspNetCore.Http;
using Tenancy.Context;
using Tenancy.Usage;

namespace Tenancy.AspNetCore.Usage;

/// <summary>
/// Counts every request of a tenant (after resolution, before the rate limit, so refused requests count too) and
/// whether it failed (4xx, 5xx, or an exception), into the <see cref="UsageMeter"/> and the usage metrics.
/// </summary>
internal sealed class TenantUsageMiddleware(RequestDelegate next, ITenantContextAccessor tenants, UsageMeter meter, UsageTelemetry telemetry)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (tenants.Current is not { } tenant)
        {
            await next(context);
            return;
        }

        var failed = true;
        try
        {
            await next(context);
            failed = context.Response.StatusCode >= StatusCodes.Status400BadRequest;
        }
        finally
        {
            meter.RecordRequest(tenant.Id, failed);
            telemetry.Request(tenant, failed);
        }
    }
}
