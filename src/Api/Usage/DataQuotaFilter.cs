using Tenancy.Context;
using Tenancy.Limits;
using Tenancy.Usage;

namespace Tenancy.Api.Usage;

/// <summary>
/// Refuses writes that add data (POST, PUT, PATCH) of a tenant at or over its data quota with 413 naming
/// <c>maxDataBytes</c>; reads and deletes go on, so a tenant can always get back under it. The size is
/// <see cref="TenantDataSize"/>'s, measured at most every <see cref="TenantLimitsOptions.DataSizeRefresh"/>.
/// </summary>
internal sealed class DataQuotaFilter(ITenantContextAccessor tenants, TenantLimitResolver limits, TenantDataSize dataSize) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (!(HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method))
            || tenants.Current is not { } tenant
            || limits.For(tenant) is not { MaxDataBytes: { } max } tenantLimits
            || await dataSize.BytesAsync(tenant, context.HttpContext.RequestAborted) is not { } used
            || used < max)
        {
            return await next(context);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Data quota reached",
            detail: $"Tenant '{tenant.Identifier}' stores {used} bytes; its quota is {max} bytes (maxDataBytes, {TenantLimits.Source(tenantLimits.DataOverridden, tenant)}). Delete data or ask for a larger quota.",
            extensions: new Dictionary<string, object?> { ["limit"] = "maxDataBytes", ["max"] = max, ["used"] = used });
    }
}
