using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Context;
using Tenancy.Limits;
using Tenancy.Tenants;
using Tenancy.Usage;

namespace Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// Every tenant request counts against its tenant's limit (<see cref="TenantLimits.RequestsPerWindow"/> per
/// <see cref="TenantLimits.Window"/>), as ASP.NET Core's global limiter partitioned by <see cref="TenantPartition"/>;
/// platform requests are not limited here. Over the limit: 429 problem details naming the limit, with <c>Retry-After</c>.
/// </summary>
public static class TenantRateLimiting
{
    /// <summary>Each tenant's requests held to its limits (<c>WithLimits</c>); counted across instances when Redis is registered (<c>WithRedis</c>).</summary>
    public static TenancyBuilder WithRateLimiting(this TenancyBuilder tenancy)
    {
        if (!tenancy.WithLimits().WithRequestResolution().TryAdd("tenant-rate-limits"))
        {
            return tenancy;
        }

        tenancy.TryAdd(TenancyFeatures.RateLimiter);
        var services = tenancy.Services;
        services.AddSingleton<RedisWindowCounter>();
        services.AddSingleton<TenantRequestLimiters>();
        services.AddRateLimiter(_ => { });
        // After every other configuration: the sign-in policy's rejection handler stays in charge of its own leases.
        services.AddOptions<RateLimiterOptions>().PostConfigure<TenantRequestLimiters>((options, limiters) =>
        {
            options.GlobalLimiter = limiters.Limiter;
            var others = options.OnRejected;
            options.OnRejected = (context, cancellationToken) => context.Lease is TenantRateLimitLease
                ? WriteRejectionAsync(context)
                : others?.Invoke(context, cancellationToken) ?? ValueTask.CompletedTask;
        });
        return tenancy;
    }

    private static async ValueTask WriteRejectionAsync(OnRejectedContext context)
    {
        var http = context.HttpContext;
        var tenant = http.RequestServices.GetRequiredService<ITenantContextAccessor>().Current!;
        var limits = http.RequestServices.GetRequiredService<TenantLimitResolver>().For(tenant);
        http.RequestServices.GetRequiredService<UsageTelemetry>().Throttled(tenant);
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.Window;
        var seconds = FixedWindow.RetrySeconds(retryAfter);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = Problem(tenant, limits, seconds),
        });
    }

    internal static ProblemDetails Problem(TenantInfo tenant, TenantLimits limits, int retryAfterSeconds) => new()
    {
        Status = StatusCodes.Status429TooManyRequests,
        Title = "Request rate limit reached",
        Detail = string.Create(CultureInfo.InvariantCulture,
            $"Tenant '{tenant.Identifier}' may make {limits.RequestsPerWindow} requests per {limits.Window.TotalSeconds:0.###} s (requestsPerWindow, {TenantLimits.Source(limits.RequestsOverridden, tenant)}); try again in {retryAfterSeconds} s."),
        Extensions =
        {
            ["limit"] = "requestsPerWindow",
            ["max"] = limits.RequestsPerWindow,
            ["windowSeconds"] = limits.Window.TotalSeconds,
            ["retryAfterSeconds"] = retryAfterSeconds,
        },
    };
}

/// <summary>The partitioned limiter: one <see cref="TenantRequestLimiter"/> per tenant and limit, none for the platform.</summary>
internal sealed class TenantRequestLimiters
{
    public TenantRequestLimiters(ITenantContextAccessor tenants, TenantLimitResolver limits, RedisWindowCounter counter, TimeProvider clock)
    {
        // One delegate for every partition: no closure per request.
        Func<TenantPartition, RateLimiter> create = partition => new TenantRequestLimiter(partition, counter, clock);
        Limiter = PartitionedRateLimiter.Create<HttpContext, TenantPartition>(_ =>
            tenants.Current is { } tenant
                ? RateLimitPartition.Get(TenantPartition.Of(tenant, limits.For(tenant)), create)
                : RateLimitPartition.GetNoLimiter(default(TenantPartition)));
    }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }
}
