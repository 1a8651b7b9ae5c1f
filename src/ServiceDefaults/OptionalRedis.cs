using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Redis is the services' cache, never their store: they keep serving from PostgreSQL while it is away. What that
/// asks of Aspire's Redis client integration, whose defaults suit a store.
/// </summary>
public static class OptionalRedis
{
    /// <summary>The name Aspire's <c>AddRedisClient</c> gives its health check (keyed clients add <c>_{name}</c>).</summary>
    private const string AspireHealthCheckName = "StackExchange.Redis";

    /// <summary>For <c>builder.AddRedisClient(name, configureOptions: OptionalRedis.Configure)</c>.</summary>
    public static void Configure(ConfigurationOptions options)
    {
        // Start without Redis and reconnect when it comes back, rather than failing the whole service (Aspire's
        // default too, stated here since the service depends on it); while it is away, commands fail at once
        // instead of queueing until a timeout, so requests fall back to PostgreSQL without waiting.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
    }

    /// <summary>A service without Redis is degraded, not unhealthy: the platform keeps routing to it.</summary>
    internal static IServiceCollection ReportRedisFailuresAsDegraded(this IServiceCollection services) =>
        services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                if (registration.Name == AspireHealthCheckName || registration.Name.StartsWith(AspireHealthCheckName + "_", StringComparison.Ordinal))
                {
                    registration.FailureStatus = HealthStatus.Degraded;
                }
            }
        });
}
