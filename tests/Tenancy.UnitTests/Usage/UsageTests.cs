using Tenancy.Usage;

namespace Tenancy.UnitTests.Usage;

/// <summary>Counting in memory, taking counts for a flush (and putting them back), report periods and the billing CSV.</summary>
public sealed class UsageTests
{
    [Fact]
    public void The_meter_counts_per_tenant_and_a_take_leaves_zeros()
    {
        var meter = new UsageMeter(TimeProvider.System);
        var acme = Guid.CreateVersion7();
        var globex = Guid.CreateVersion7();
        meter.RecordRequest(acme, failed: false);
        meter.RecordRequest(acme, failed: true);
        meter.RecordRequest(globex, failed: false);
        meter.RecordJobRun(globex);
        meter.RecordDataBytes(acme, 4096);

        var taken = meter.TakeAll().ToDictionary(i => i.TenantId);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(new UsageIncrement(acme, today, 2, 1, 0, 4096, null), taken[acme]);
        Assert.Equal(new UsageIncrement(globex, today, 1, 0, 1, null, null), taken[globex]);
        Assert.Empty(meter.TakeAll());
    }

    [Fact]
    public void Counts_put_back_after_a_failed_flush_are_taken_with_the_new_ones()
    {
        var meter = new UsageMeter(TimeProvider.System);
        var acme = Guid.CreateVersion7();
        meter.RecordRequest(acme, failed: true);
        var failed = meter.TakeAll();
        meter.RecordRequest(acme, failed: false);
        meter.Restore(failed);

        var taken = Assert.Single(meter.TakeAll());
        Assert.Equal((2L, 1L), (taken.Requests, taken.Errors));
    }

    [Fact]
    public void Cache_bytes_are_a_gauge_the_day_keeps_the_last_of_and_a_failed_flush_gives_back()
    {
        var meter = new UsageMeter(TimeProvider.System);
        var acme = Guid.CreateVersion7();
        meter.RecordCacheBytes(acme, 900);
        meter.RecordCacheBytes(acme, 700);
        var failed = meter.TakeAll();
        Assert.Equal(700, Assert.Single(failed).CacheBytes);

        meter.Restore(failed);
        Assert.Equal(700, Assert.Single(meter.TakeAll()).CacheBytes);
        meter.RecordCacheBytes(acme, 650);
        meter.Restore(failed);
        Assert.Equal(650, Assert.Single(meter.TakeAll()).CacheBytes);
    }

    [Fact]
    public void The_csv_has_a_header_and_one_line_per_day()
    {
        var csv = UsageCsv.Format("acme", [
            new UsageDay(new DateOnly(2026, 12, 1), 1200, 3, 4, 81920, null),
            new UsageDay(new DateOnly(2026, 12, 2), 7, 0, 0, null, 512),
        ]);
        Assert.Equal(
            "tenant,day,requests,errors,jobs_run,data_bytes,cache_bytes\r\nacme,2026-12-01,1200,3,4,81920,\r\nacme,2026-12-02,7,0,0,,512\r\n",
            csv);
    }

    [Fact]
    public void A_csv_cell_with_a_comma_or_quote_is_quoted() =>
        Assert.StartsWith("\"a,\"\"b\",2026-12-01,", UsageCsv.Format("a,\"b", [new UsageDay(new DateOnly(2026, 12, 1), 1, 0, 0, null, null)]).Split("\r\n")[1]);

    [Fact]
    public void A_period_defaults_to_the_last_30_days_and_refuses_backwards_or_long_ones()
    {
        var today = new DateOnly(2026, 12, 2);
        Assert.Equal(new UsagePeriod(new DateOnly(2026, 11, 2), today), UsagePeriod.Of(null, null, today));
        Assert.Null(UsagePeriod.Of(null, null, today).Problem);
        Assert.Contains("after", UsagePeriod.Of(today, today.AddDays(-1), today).Problem);
        Assert.Contains("at most 366 days", UsagePeriod.Of(today.AddDays(-366), today, today).Problem);
        Assert.Null(UsagePeriod.Of(today.AddDays(-365), today, today).Problem);
    }
}
