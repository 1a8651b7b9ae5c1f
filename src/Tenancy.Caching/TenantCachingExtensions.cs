using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tenancy.Limits;

namespace Tenancy.Caching;

public static class TenantCachingExtensions
{
    /// <summary>
    /// The tenant cache over Redis <paramref name="connectionName"/> (<see cref="WithRedis"/>): HybridCache with Redis
    /// as L2, each tenant's entries there within its plan's budget, generations kept in step over pub/sub, and the
    /// cache's telemetry.
    /// </summary>
    public static TenancyBuilder WithCaching(this TenancyBuilder tenancy, string connectionName = "cache", Action<TenantCacheOptions>? configure = null)
    {
        if (!tenancy.TryAdd("caching"))
        {
            return tenancy;
        }

        tenancy.WithRedis(connectionName).WithLimits();
        var services = tenancy.Services;
        var options = services.AddOptions<TenantCacheOptions>().Bind(tenancy.Configuration.GetSection(TenantCacheOptions.SectionName))
            .Validate(o => o.LocalSizeLimitBytes >= o.MaximumPayloadBytes && o.MaximumPayloadBytes > 0, $"{TenantCacheOptions.SectionName}: LocalSizeLimitBytes is at least MaximumPayloadBytes, which is positive.")
            .Validate(
                o => o.Expiration > TimeSpan.Zero && o.LocalExpiration > TimeSpan.Zero && o.RedisTimeout > TimeSpan.Zero && o.MaximumKeyLength > 0,
                $"{TenantCacheOptions.SectionName}: Expiration, LocalExpiration, RedisTimeout and MaximumKeyLength are positive.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((redis, sp) =>
            redis.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()));
        services.AddSingleton(sp => new RedisCache(sp.GetRequiredService<IOptions<RedisCacheOptions>>()));
        // HybridCache's Redis tier: each tenant's writes within its plan's budget.
        services.AddSingleton<IDistributedCache, BudgetedDistributedCache>();
        services.AddSingleton<TenantCacheBudget>();

        // HybridCache's memory tier; sized, so memory stays flat however many tenants are active.
        services.AddMemoryCache();
        services.AddOptions<MemoryCacheOptions>().Configure<IOptions<TenantCacheOptions>>((memory, tenantCache) => memory.SizeLimit = tenantCache.Value.LocalSizeLimitBytes);
        services.AddHybridCache().AddSerializerFactory<JsonTypeInfoSerializerFactory>();
        services.AddOptions<HybridCacheOptions>().Configure<IOptions<TenantCacheOptions>>((hybrid, tenantCache) =>
        {
            hybrid.MaximumPayloadBytes = tenantCache.Value.MaximumPayloadBytes;
            hybrid.MaximumKeyLength = tenantCache.Value.MaximumKeyLength;
            hybrid.DefaultEntryOptions = new HybridCacheEntryOptions
            {
                Expiration = tenantCache.Value.Expiration,
                LocalCacheExpiration = tenantCache.Value.LocalExpiration,
            };
        });

        services.AddSingleton<CacheGenerations>();
        services.AddHostedService<CacheGenerationSubscriber>();
        services.AddSingleton<TenantCacheTelemetry>();
        services.AddSingleton<TenantCache>();
        return tenancy;
    }

    /// <summary>
    /// Redis <paramref name="connectionName"/> through Aspire's client integration (health check, telemetry), unless
    /// an <see cref="IConnectionMultiplexer"/> is already registered. Redis is the services' cache and counters, never
    /// their store: a service starts without it and reconnects when it comes back, and while it is away commands fail
    /// at once instead of queueing until a timeout, so requests fall back to PostgreSQL without waiting. Job fairness
    /// and the request rate limiter use it too when it is registered.
    /// </summary>
    public static TenancyBuilder WithRedis(this TenancyBuilder tenancy, string connectionName = "cache")
    {
        if (tenancy.TryAdd("redis") && !tenancy.Services.Any(service => service.ServiceType == typeof(IConnectionMultiplexer)))
        {
            tenancy.Host.AddRedisClient(connectionName, configureOptions: options =>
            {
                options.AbortOnConnectFail = false;
                options.BacklogPolicy = BacklogPolicy.FailFast;
            });
        }

        return tenancy;
    }
}
