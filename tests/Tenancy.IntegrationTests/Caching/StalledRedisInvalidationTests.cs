using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Caching;
using Tenancy.Context;

namespace Tenancy.IntegrationTests.Caching;

/// <summary>An invalidation after a commit while Redis is stalled: neither an error nor lost.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StalledRedisInvalidationTests(PostgresFixture fixture)
{
    [Fact]
    public async Task An_invalidation_while_redis_is_stalled_returns_within_its_bound_and_reaches_every_instance_once_redis_answers()
    {
        await using var first = await CacheInstance.StartAsync(fixture);
        await using var second = await CacheInstance.StartAsync(fixture);
        var tenant = await first.CreateTenantAsync();
        await first.ReadAsync(tenant, "k", "old");
        Assert.Equal(("old", false), await second.ReadAsync(tenant, "k", "not read"));
        var generations = first.Services.GetRequiredService<CacheGenerations>();

        TimeSpan took;
        using (StalledRedis.Stall(fixture.Servers))
        {
            using (TenantContext.Enter(tenant))
            {
                var invalidate = Stopwatch.StartNew();
                Assert.False(await first.Cache.InvalidateAsync("test"));
                took = invalidate.Elapsed;
            }

            Assert.True(took < TimeSpan.FromSeconds(1), $"the invalidation waited {took.TotalMilliseconds:F0} ms for a stalled Redis");
            Assert.Equal(1, generations.PendingCount);
            // This instance knows its copy is stale: it reads the source until the bump is delivered.
            Assert.Equal(("new", true), await first.ReadAsync(tenant, "k", "new"));
        }

        // Delivered in the background once Redis answers: the other instance drops its copy too.
        await Eventually.TrueAsync(async () => await second.ReadAsync(tenant, "k", "new") == ("new", true));
        Assert.Equal(0, generations.PendingCount);
        await first.ReadAsync(tenant, "k", "new");
        Assert.Equal(("new", false), await first.ReadAsync(tenant, "k", "not read"));
    }
}
