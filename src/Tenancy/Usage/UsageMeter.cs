using System.Collections.Concurrent;

namespace Tenancy.Usage;

/// <summary>
/// Counts each tenant's requests, errors and jobs in memory, per UTC day, with one shared counter object per tenant
/// and day (no allocation per request); <see cref="UsageFlusher"/> moves the counts into PostgreSQL in batches.
/// </summary>
public sealed class UsageMeter(TimeProvider clock)
{
    private readonly ConcurrentDictionary<(Guid Tenant, DateOnly Day), Counters> _counters = new();

    public void RecordRequest(Guid tenantId, bool failed)
    {
        var counters = For(tenantId);
        Interlocked.Increment(ref counters.Requests);
        if (failed)
        {
            Interlocked.Increment(ref counters.Errors);
        }
    }

    public void RecordJobRun(Guid tenantId) => Interlocked.Increment(ref For(tenantId).JobsRun);

    /// <summary>A measurement of the tenant's stored data (a gauge: the day keeps the last one).</summary>
    public void RecordDataBytes(Guid tenantId, long bytes) => Interlocked.Exchange(ref For(tenantId).DataBytes, bytes);

    /// <summary>A measurement of what the tenant holds in the cache's Redis tier (a gauge, as data bytes).</summary>
    public void RecordCacheBytes(Guid tenantId, long bytes) => Interlocked.Exchange(ref For(tenantId).CacheBytes, bytes);

    /// <summary>Takes every count so far (leaving zeros); days that have ended are forgotten once taken.</summary>
    public IReadOnlyList<UsageIncrement> TakeAll()
    {
        var today = Today();
        var taken = new List<UsageIncrement>();
        foreach (var ((tenant, day), counters) in _counters)
        {
            if (day < today)
            {
                // A request that picked the entry up just before its removal still lands in it: taken again below.
                _counters.TryRemove((tenant, day), out _);
            }

            if (Take(tenant, day, counters) is { } increment)
            {
                taken.Add(increment);
            }
        }

        return taken;
    }

    /// <summary>Puts counts back after a failed flush, so the next one writes them.</summary>
    public void Restore(IEnumerable<UsageIncrement> increments)
    {
        foreach (var increment in increments)
        {
            var counters = _counters.GetOrAdd((increment.TenantId, increment.Day), static _ => new Counters());
            Interlocked.Add(ref counters.Requests, increment.Requests);
            Interlocked.Add(ref counters.Errors, increment.Errors);
            Interlocked.Add(ref counters.JobsRun, increment.JobsRun);
            // A measurement taken since the failed flush is newer: it stays.
            if (increment.DataBytes is { } bytes)
            {
                Interlocked.CompareExchange(ref counters.DataBytes, bytes, Counters.NotMeasured);
            }

            if (increment.CacheBytes is { } cacheBytes)
            {
                Interlocked.CompareExchange(ref counters.CacheBytes, cacheBytes, Counters.NotMeasured);
            }
        }
    }

    private static UsageIncrement? Take(Guid tenant, DateOnly day, Counters counters)
    {
        var requests = Interlocked.Exchange(ref counters.Requests, 0);
        var errors = Interlocked.Exchange(ref counters.Errors, 0);
        var jobs = Interlocked.Exchange(ref counters.JobsRun, 0);
        var data = Interlocked.Exchange(ref counters.DataBytes, Counters.NotMeasured);
        var cache = Interlocked.Exchange(ref counters.CacheBytes, Counters.NotMeasured);
        return requests == 0 && errors == 0 && jobs == 0 && data == Counters.NotMeasured && cache == Counters.NotMeasured
            ? null
            : new UsageIncrement(tenant, day, requests, errors, jobs, Measured(data), Measured(cache));
    }

    private static long? Measured(long gauge) => gauge == Counters.NotMeasured ? null : gauge;

    private Counters For(Guid tenantId) => _counters.GetOrAdd((tenantId, Today()), static _ => new Counters());

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private sealed class Counters
    {
        public const long NotMeasured = -1;

        public long Requests;
        public long Errors;
        public long JobsRun;
        public long DataBytes = NotMeasured;
        public long CacheBytes = NotMeasured;
    }
}
