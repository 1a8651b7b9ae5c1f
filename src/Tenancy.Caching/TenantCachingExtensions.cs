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
    /// The tenant cache over the <see cref="IConnectionMultiplexer"/> already registered (AddRedisClient):
    /// HybridCache with Redis as L2, generations kept in step over pub/sub, and the cache's telemetry.
    /// </summary>
    public static IHostApplicationBuilder AddTenantCaching(this IHostApplicationBuilder builder, Action<TenantCacheOptions>? configure = null)
    {
        var services = builder.Services;
        var options = services.AddOptions<TenantCacheOptions>().Bind(builder.Configuration.GetSection(TenantCacheOptions.SectionName))
            .Validate(o => o.LocalSizeLimitBytes >= o.MaximumPayloadBytes && o.MaximumPayloadBytes > 0, $"{TenantCacheOptions.SectionName}: LocalSizeLimitBytes is at least MaximumPayloadBytes, which is positive.")
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
        builder.AddTenantLimits();

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
        return builder;
    }
}
