using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tenancy.AspNetCore.RateLimiting;
using Tenancy.Limits;

namespace Tenancy.IntegrationTests.Limits;

/// <summary>
/// A tenant's request limit counted in real Redis by two instances that reserve permits ahead of use: together they
/// never admit more than the limit, leave at most one reservation each unused, and a busy tenant costs few round trips.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantRequestLimiterTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(20)]
    [InlineData(3_200)]
    public async Task Two_instances_flooding_one_tenant_admit_the_limit_and_never_more(int limit)
    {
        // A window long enough that the flood never straddles two.
        var partition = new TenantPartition(Guid.CreateVersion7(), limit, TimeSpan.FromMinutes(10));
        await using var first = await InstanceAsync(partition);
        await using var second = await InstanceAsync(partition);

        var answers = await Task.WhenAll(Enumerable.Range(0, 2 * limit).Select(async i =>
        {
            using var lease = await (i % 2 == 0 ? first : second).Limiter.AcquireAsync();
            return lease.IsAcquired;
        }));

        var admitted = answers.Count(a => a);
        // Each instance had requests enough to spend what it held, so nothing held is left unused here.
        Assert.Equal(limit, admitted);
        // The count in Redis is every permit reserved: one round trip reserved many of them.
        var counted = (long)await first.Redis.GetDatabase().StringGetAsync(first.Redis.GetServers()[0].Keys(pattern: $"tenancy:rl:{partition.TenantId:N}:*").Single());
        Assert.True(counted >= admitted, $"Redis counted {counted}, fewer than the {admitted} admitted");
        if (limit > TenantRequestLimiter.ReservationShare)
        {
            Assert.True(first.RoundTrips + second.RoundTrips < admitted / 10, $"{first.RoundTrips + second.RoundTrips} round trips to Redis for {admitted} requests");
        }
    }

    [Fact]
    public async Task A_quiet_tenant_reserves_one_permit_at_a_time_so_nothing_is_held_back_from_another_instance()
    {
        var partition = new TenantPartition(Guid.CreateVersion7(), 3_200, TimeSpan.FromMinutes(10));
        await using var first = await InstanceAsync(partition);
        using (var lease = await first.Limiter.AcquireAsync())
        {
            Assert.True(lease.IsAcquired);
        }

        var key = first.Redis.GetServers()[0].Keys(pattern: $"tenancy:rl:{partition.TenantId:N}:*").Single();
        Assert.Equal(1, (long)await first.Redis.GetDatabase().StringGetAsync(key));
    }

    private async Task<Instance> InstanceAsync(TenantPartition partition)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(fixture.CacheConnectionString);
        var services = new ServiceCollection().AddSingleton<IConnectionMultiplexer>(redis).BuildServiceProvider();
        var counter = new RedisWindowCounter(services, Options.Create(new TenantLimitsOptions { RedisTimeout = TimeSpan.FromSeconds(5) }), TimeProvider.System, NullLogger<RedisWindowCounter>.Instance);
        return new Instance(redis, services, new TenantRequestLimiter(partition, counter, TimeProvider.System));
    }

    private sealed class Instance(ConnectionMultiplexer redis, ServiceProvider services, TenantRequestLimiter limiter) : IAsyncDisposable
    {
        public ConnectionMultiplexer Redis { get; } = redis;

        public TenantRequestLimiter Limiter { get; } = limiter;

        /// <summary>Operations sent to Redis so far (a few of them the connection's own handshake).</summary>
        public long RoundTrips => Redis.GetCounters().Interactive.OperationCount;

        public async ValueTask DisposeAsync()
        {
            Limiter.Dispose();
            await services.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }
}
