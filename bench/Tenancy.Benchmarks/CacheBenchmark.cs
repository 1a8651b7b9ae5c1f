using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using Tenancy.Context;
using Tenancy.Tenants;

namespace Tenancy.Benchmarks;

/// <summary>
/// (e) Tenant cache (issue 4), in this process over the run's Redis, two instances wired as the Api wires its cache:
/// L2 hit latency (instance 1 fills, instance 2 with an empty L1 reads each key once) against a raw Redis GET of a
/// value of the same size, interleaved; and purging a tenant that holds 100,000 entries against one that holds 100.
/// Cached vs uncached GET /api/products is (a) overhead's "as served" and "query path" rows; not repeated here.
/// </summary>
internal static class CacheBenchmark
{
    private const string Name = "(e) cache";
    private const int HitKeys = 5_000;
    private const int ValueBytes = 1_024;
    private const int BigTenantKeys = 100_000;
    private const int SmallTenantKeys = 100;
    private const int Purges = 20;

    public static async Task RunAsync(BenchSystem system, ResultTable results, CancellationToken cancellationToken)
    {
        var cacheConnection = system.CacheConnectionString;
        var identifiers = await system.EnsureBenchTenantsAsync(3, cancellationToken);
        await using var first = await BenchServices.StartAsync(system, cacheConnection, null, null, cancellationToken);
        await using var second = await BenchServices.StartAsync(system, cacheConnection, null, null, cancellationToken);
        var hitTenant = await first.TenantAsync(identifiers[0], cancellationToken);
        var bigTenant = await first.TenantAsync(identifiers[1], cancellationToken);
        var smallTenant = await first.TenantAsync(identifiers[2], cancellationToken);

        // Start from empty spaces: earlier runs on the same Redis do not count.
        foreach (var tenant in new[] { hitTenant, bigTenant, smallTenant })
        {
            await first.Cache.PurgeTenantAsync(tenant.Id);
        }

        await L2HitsAsync(first, second, hitTenant, results, cancellationToken);
        await PurgesAsync(first, bigTenant, smallTenant, results, cancellationToken);
    }

    private static async Task L2HitsAsync(BenchServices first, BenchServices second, TenantInfo tenant, ResultTable results, CancellationToken cancellationToken)
    {
        Console.WriteLine($"{Name}: L2 hits: instance 1 fills {HitKeys:N0} keys of {ValueBytes} characters, instance 2 (empty L1) reads each once; raw GET interleaved");
        var value = new string('x', ValueBytes);
        var fillMisses = await FillAsync(first, tenant, "hits", HitKeys + 200, value, 8, cancellationToken);
        if (fillMisses != HitKeys + 200)
        {
            throw new InvalidOperationException($"instance 1 filled {fillMisses} of {HitKeys + 200} keys; the space was not empty");
        }

        // The baseline: the same number of plain Redis strings of the same size, read with StackExchange.Redis.
        var redis = second.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var rawKeys = Enumerable.Range(0, HitKeys + 200).Select(i => (RedisKey)$"bench:raw:{i}").ToArray();
        await redis.StringSetAsync([.. rawKeys.Select(k => new KeyValuePair<RedisKey, RedisValue>(k, value))]);

        var cacheMs = new List<double>(HitKeys);
        var rawMs = new List<double>(HitKeys);
        var misses = 0;
        using (TenantContext.Enter(tenant))
        {
            for (var i = 0; i < HitKeys + 200; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var read = await second.Cache.GetOrCreateAsync("hits", Key(i), _ =>
                {
                    Interlocked.Increment(ref misses);
                    return ValueTask.FromResult(value);
                }, cancellationToken);
                var cacheElapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

                started = Stopwatch.GetTimestamp();
                var raw = await redis.StringGetAsync(rawKeys[i]);
                var rawElapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (read.Length != ValueBytes || raw.Length() != ValueBytes)
                {
                    throw new InvalidOperationException($"key {i}: read {read.Length} and {raw.Length()} characters");
                }

                // The first 200 are warm-up (JIT, connection, generation lookups).
                if (i >= 200)
                {
                    cacheMs.Add(cacheElapsed);
                    rawMs.Add(rawElapsed);
                }
            }
        }

        await redis.KeyDeleteAsync(rawKeys);
        if (misses > 0)
        {
            throw new InvalidOperationException($"{misses} of the reads on instance 2 missed L2");
        }

        cacheMs.Sort();
        rawMs.Sort();
        double P(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        results.Add(Name, $"L2 hit latency p50 ({HitKeys:N0} keys, {ValueBytes} B, empty L1)", ResultTable.Ms(P(cacheMs, 0.50)), ResultTable.Ms(P(rawMs, 0.50)) + " raw GET", P(cacheMs, 0.50) / P(rawMs, 0.50));
        results.Add(Name, $"L2 hit latency p99 ({HitKeys:N0} keys, {ValueBytes} B, empty L1)", ResultTable.Ms(P(cacheMs, 0.99)), ResultTable.Ms(P(rawMs, 0.99)) + " raw GET", P(cacheMs, 0.99) / P(rawMs, 0.99));
    }

    private static async Task PurgesAsync(BenchServices instance, TenantInfo big, TenantInfo small, ResultTable results, CancellationToken cancellationToken)
    {
        Console.WriteLine($"{Name}: purge: filling {BigTenantKeys:N0} keys for {big.Identifier} and {SmallTenantKeys} for {small.Identifier} through TenantCache (untimed)");
        var filling = Stopwatch.StartNew();
        var value = new string('y', 100);
        var filled = await FillAsync(instance, big, "purge", BigTenantKeys, value, 16, cancellationToken);
        Console.WriteLine($"  filled {filled:N0} keys in {filling.Elapsed.TotalSeconds:F1} s");
        var filledSmall = await FillAsync(instance, small, "purge", SmallTenantKeys, value, 16, cancellationToken);
        if (filled != BigTenantKeys || filledSmall != SmallTenantKeys)
        {
            throw new InvalidOperationException($"filled {filled} and {filledSmall} keys; the spaces were not empty");
        }

        // The entries are really in Redis (L2), not only in this instance's L1: count the tenant's keys there.
        var multiplexer = instance.Services.GetRequiredService<IConnectionMultiplexer>();
        var inRedis = 0L;
        await foreach (var _ in multiplexer.GetServers()[0].KeysAsync(pattern: $"*t:{big.Id:N}:*:purge:*", pageSize: 5_000))
        {
            inRedis++;
        }

        if (inRedis < BigTenantKeys)
        {
            throw new InvalidOperationException($"only {inRedis} of {BigTenantKeys} keys of {big.Identifier} are in Redis");
        }

        // Alternated; every purge is of a tenant whose entries are all still in Redis (purging leaves them to expire).
        var bigMs = new List<double>(Purges);
        var smallMs = new List<double>(Purges);
        for (var i = 0; i < Purges + 2; i++)
        {
            foreach (var (tenant, times) in new[] { (big, bigMs), (small, smallMs) })
            {
                var started = Stopwatch.GetTimestamp();
                if (!await instance.Cache.PurgeTenantAsync(tenant.Id))
                {
                    throw new InvalidOperationException("purge failed: Redis unreachable");
                }

                if (i >= 2)
                {
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }

        // Sanity: after a purge, a key that was filled is a miss again.
        var missAfter = await FillAsync(instance, big, "purge", 1, value, 1, cancellationToken);
        if (missAfter != 1)
        {
            throw new InvalidOperationException("a purged entry was still served");
        }

        bigMs.Sort();
        smallMs.Sort();
        var bigMedian = Median(bigMs);
        var smallMedian = Median(smallMs);
        var ratio = bigMedian / smallMedian;
        results.Add(Name, $"purge a tenant of {BigTenantKeys:N0} vs {SmallTenantKeys} keys (median of {Purges})", ResultTable.Ms(bigMedian), ResultTable.Ms(smallMedian),
            ratio, "≤ 5 ms, flat (ratio ≤ 1.5)", bigMedian <= 5 && ratio <= 1.5, goalIsRatio: true);
        results.Note(string.Create(CultureInfo.InvariantCulture,
            $"(e) cache: purge max {bigMs[^1]:F2} ms ({BigTenantKeys:N0} keys) vs {smallMs[^1]:F2} ms ({SmallTenantKeys}); the {BigTenantKeys:N0} keys were filled through TenantCache in {filling.Elapsed.TotalSeconds:F1} s ({inRedis:N0} of its keys found in Redis by SCAN before purging)."));
    }

    /// <summary>Reads keys 0..count-1 of <paramref name="region"/> as <paramref name="tenant"/>, creating the missing ones; returns how many missed.</summary>
    private static async Task<int> FillAsync(BenchServices instance, TenantInfo tenant, string region, int count, string value, int parallelism, CancellationToken cancellationToken)
    {
        var misses = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            using var _ = TenantContext.Enter(tenant);
            await instance.Cache.GetOrCreateAsync(region, Key(i), _ =>
            {
                Interlocked.Increment(ref misses);
                return ValueTask.FromResult(value);
            }, ct);
        });
        return misses;
    }

    private static string Key(int i) => "k" + i.ToString(CultureInfo.InvariantCulture);

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
