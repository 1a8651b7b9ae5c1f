using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire's client integrations add a health check each (<c>AddNpgsqlDataSource</c>, <c>AddRedisClient</c>), named
/// after the integration and unhealthy on any failure. Here they report under the names the services have always
/// used (the Worker's dependency report, whatever reads <c>/health</c> logs), and Redis, a cache the services serve
/// without (<c>WithRedis</c> in Tenancy.Caching), makes a service degraded, not unhealthy, so the platform keeps routing to it.
/// </summary>
internal static class DependencyHealthChecks
{
    private const string Postgres = "postgres";
    private const string Redis = "redis";

    // The names Aspire.Npgsql and Aspire.StackExchange.Redis give the checks of their unkeyed clients.
    private const string AspirePostgres = "PostgreSql";
    private const string AspireRedis = "StackExchange.Redis";

    public static IServiceCollection ConfigureDependencyHealthChecks(this IServiceCollection services) =>
        services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                switch (registration.Name)
                {
                    case AspirePostgres:
                        registration.Name = Postgres;
                        break;
                    case AspireRedis:
                        registration.Name = Redis;
                        registration.FailureStatus = HealthStatus.Degraded;
                        break;
                }
            }
        });
}
