using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tenancy.AspNetCore.RateLimiting;
using Tenancy.Limits;

namespace Tenancy.UnitTests.Limits;

/// <summary>Without Redis (none configured, or away), a tenant's limiter counts in the instance: it fails open, never closed.</summary>
public sealed class TenantRequestLimiterTests
{
    [Fact]
    public async Task Without_redis_the_instance_counts_the_limit_itself_and_says_when_to_retry()
    {
        var counter = new RedisWindowCounter(new ServiceCollection().BuildServiceProvider(), Options.Create(new TenantLimitsOptions()), TimeProvider.System, NullLogger<RedisWindowCounter>.Instance);
        using var limiter = new TenantRequestLimiter(new TenantPartition(Guid.CreateVersion7(), 3, TimeSpan.FromMinutes(1)), counter, TimeProvider.System);

        var answers = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            using var lease = await limiter.AcquireAsync();
            answers.Add(lease.IsAcquired);
        }

        Assert.Equal([true, true, true, false, false], answers);
        using var refused = await limiter.AcquireAsync();
        Assert.True(refused.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void The_synchronous_attempt_defers_to_the_asynchronous_count()
    {
        var counter = new RedisWindowCounter(new ServiceCollection().BuildServiceProvider(), Options.Create(new TenantLimitsOptions()), TimeProvider.System, NullLogger<RedisWindowCounter>.Instance);
        using var limiter = new TenantRequestLimiter(new TenantPartition(Guid.CreateVersion7(), 3, TimeSpan.FromMinutes(1)), counter, TimeProvider.System);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
    }
}
