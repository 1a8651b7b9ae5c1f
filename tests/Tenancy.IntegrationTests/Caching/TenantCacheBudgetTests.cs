using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Tenancy.Caching;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Caching;

/// <summary>Each tenant's share of Redis: its plan's entry budget, its cache bytes, and nothing of it shared with another tenant.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantCacheBudgetTests(PostgresFixture fixture)
{
    private const int Budget = 5;

    // Every plan gets the same small budget, so whichever plan a new tenant has, it is this one.
    private static readonly Dictionary<string, string?> SmallBudgets = new()
    {
        ["Tenancy:Limits:Plans:trial:MaxCacheEntries"] = "5",
        ["Tenancy:Limits:Plans:standard:MaxCacheEntries"] = "5",
        ["Tenancy:Limits:Plans:enterprise:MaxCacheEntries"] = "5",
    };

    [Fact]
    public async Task A_tenant_at_its_budget_keeps_new_entries_out_of_redis_and_another_tenant_still_writes_its_own()
    {
        await using var first = await CacheInstance.StartAsync(fixture, SmallBudgets);
        var (a, b) = (await first.CreateTenantAsync(), await first.CreateTenantAsync());
        using var refusals = new RefusalCount();
        for (var i = 0; i < Budget + 3; i++)
        {
            await WriteAsync(first, a, $"page:{i}", $"a{i}", refusals, admitted: i < Budget);
        }

        for (var i = 0; i < Budget; i++)
        {
            await WriteAsync(first, b, $"page:{i}", $"b{i}", refusals, admitted: true);
        }

        Assert.Equal(Budget, EntriesInRedis(first, a).Count);
        Assert.Equal(Budget, EntriesInRedis(first, b).Count);
        // Past the budget the entry is still served, from the writing instance's memory...
        Assert.Equal(($"a{Budget}", false), await first.ReadAsync(a, $"page:{Budget}", "not read"));
        // ...but an instance with an empty memory finds only what Redis took.
        await using var second = await CacheInstance.StartAsync(fixture, SmallBudgets);
        Assert.Equal(("a0", false), await second.ReadAsync(a, "page:0", "not read"));
        Assert.Equal(("from source", true), await second.ReadAsync(a, $"page:{Budget}", "from source"));
        Assert.Equal(("b4", false), await second.ReadAsync(b, "page:4", "not read"));

        var budget = first.Services.GetRequiredService<TenantCacheBudget>();
        Assert.Equal(Budget, (await budget.MeasureAsync(a.Id))!.Entries);
        Assert.Equal(Budget, (await budget.MeasureAsync(b.Id))!.Entries);
    }

    [Fact]
    public async Task A_tenants_own_budget_replaces_its_plans_and_the_other_tenant_keeps_the_plans()
    {
        const int Own = Budget + 3;
        await using var instance = await CacheInstance.StartAsync(fixture, SmallBudgets);
        var (a, b) = (await instance.CreateTenantAsync(), await instance.CreateTenantAsync());
        a = await instance.Services.SetLimitOverridesAsync(a, new LimitOverrides(null, null, MaxCacheEntries: Own, MaxConcurrentJobs: null));
        using var refusals = new RefusalCount();
        for (var i = 0; i < Own + 1; i++)
        {
            await WriteAsync(instance, a, $"page:{i}", $"a{i}", refusals, admitted: i < Own);
        }

        for (var i = 0; i < Budget + 1; i++)
        {
            await WriteAsync(instance, b, $"page:{i}", $"b{i}", refusals, admitted: i < Budget);
        }

        Assert.Equal(Own, EntriesInRedis(instance, a).Count);
        Assert.Equal(Budget, EntriesInRedis(instance, b).Count);
    }

    [Fact]
    public async Task A_tenants_cache_bytes_are_the_bytes_redis_holds_for_its_entries()
    {
        await using var instance = await CacheInstance.StartAsync(fixture);
        var (a, b) = (await instance.CreateTenantAsync(), await instance.CreateTenantAsync());
        using var refusals = new RefusalCount();
        for (var i = 0; i < 12; i++)
        {
            await WriteAsync(instance, a, $"k{i}", new string('a', 100 * (i + 1)), refusals, admitted: true);
        }

        await WriteAsync(instance, b, "k", new string('b', 50_000), refusals, admitted: true);

        var budget = instance.Services.GetRequiredService<TenantCacheBudget>();
        var db = instance.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        foreach (var tenant in new[] { a, b })
        {
            var entries = EntriesInRedis(instance, tenant);
            long held = 0;
            foreach (var entry in entries)
            {
                held += ((byte[]?)await db.HashGetAsync(entry, "data"))!.Length;
            }

            Assert.Equal(new CacheUsage(held, entries.Count), await budget.MeasureAsync(tenant.Id));
        }

        Assert.InRange((await budget.MeasureAsync(b.Id))!.Bytes, 50_000, 51_000);
    }

    [Fact]
    public async Task Expired_entries_leave_the_budget_and_make_room_for_new_ones()
    {
        var shortLived = new Dictionary<string, string?>(SmallBudgets)
        {
            ["Tenancy:Cache:Expiration"] = "00:00:01",
            ["Tenancy:Cache:LocalExpiration"] = "00:00:01",
        };
        await using var instance = await CacheInstance.StartAsync(fixture, shortLived);
        var tenant = await instance.CreateTenantAsync();
        using var refusals = new RefusalCount();
        for (var i = 0; i < Budget; i++)
        {
            await WriteAsync(instance, tenant, $"old:{i}", "old", refusals, admitted: true);
        }

        var budget = instance.Services.GetRequiredService<TenantCacheBudget>();
        Assert.Equal(Budget, (await budget.MeasureAsync(tenant.Id))!.Entries);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(new CacheUsage(0, 0), await budget.MeasureAsync(tenant.Id));
        await WriteAsync(instance, tenant, "new", "new", refusals, admitted: true);
        Assert.Single(EntriesInRedis(instance, tenant));
    }

    /// <summary>
    /// A miss of <paramref name="key"/>, and the wait for its write to Redis to be decided: HybridCache writes to
    /// Redis after it has answered.
    /// </summary>
    private static async Task WriteAsync(CacheInstance instance, TenantInfo tenant, string key, string value, RefusalCount refusals, bool admitted)
    {
        var refusedBefore = refusals.Value;
        Assert.True((await instance.ReadAsync(tenant, key, value)).Miss);
        if (admitted)
        {
            await Eventually.TrueAsync(() => EntriesInRedis(instance, tenant).Exists(k => k.ToString().EndsWith(":" + key, StringComparison.Ordinal)));
        }
        else
        {
            await Eventually.TrueAsync(() => refusals.Value > refusedBefore);
        }
    }

    /// <summary>Entries kept out of Redis by a budget, in this process, as the cache's telemetry counts them.</summary>
    private sealed class RefusalCount : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _value;

        public RefusalCount()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument is { Name: "tenancy.cache.budget_refusals", Meter.Name: TenantCacheTelemetry.Name })
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, measurement, _, _) => Interlocked.Add(ref _value, measurement));
            _listener.Start();
        }

        public long Value => Interlocked.Read(ref _value);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>The entries Redis holds in the tenant's space.</summary>
    private static List<RedisKey> EntriesInRedis(CacheInstance instance, TenantInfo tenant) =>
        [.. instance.Services.GetRequiredService<IConnectionMultiplexer>().GetServers()[0].Keys(pattern: $"t:{tenant.Id:N}:*")];
}
