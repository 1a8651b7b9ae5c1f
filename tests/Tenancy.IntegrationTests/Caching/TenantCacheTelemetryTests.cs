using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tenancy.Caching;

namespace Tenancy.IntegrationTests.Caching;

[Collection(PostgresCollection.Name)]
public sealed class TenantCacheTelemetryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Cache_reads_get_spans_tagged_with_the_tenant_and_counts_by_tier_not_by_tenant()
    {
        await using var instance = await CacheInstance.StartAsync(fixture);
        var tenant = await instance.CreateTenantAsync();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TenantCacheTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var counted = new ConcurrentQueue<KeyValuePair<string, object?>[]>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TenantCacheTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) => counted.Enqueue(tags.ToArray()));
        meters.Start();

        await instance.ReadAsync(tenant, "telemetry", "v");
        await instance.ReadAsync(tenant, "telemetry", "v");

        var gets = spans.Where(s => s.DisplayName == "cache get" && Equals(s.GetTagItem("tenant.id"), tenant.Id)).ToList();
        Assert.Equal(["miss", "hit"], gets.Select(s => s.GetTagItem("cache.result")));
        Assert.All(gets, s => Assert.Equal(tenant.Identifier, s.GetTagItem("tenant.identifier")));
        Assert.Contains(counted, tags => tags.Contains(new("tenant.plan", tenant.Plan)) && tags.Contains(new("cache.result", "hit")));
        Assert.DoesNotContain(counted, tags => tags.Any(t => t.Key.StartsWith("tenant.id", StringComparison.Ordinal)));
    }
}
