using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Jobs;

/// <summary>One recurring dispatcher fans out a summary job per live tenant; each tenant reads its own, cached.</summary>
[Collection(JobsAppHostCollection.Name)]
public sealed class DailySalesTests(JobsAppHostFixture system)
{
    [Fact]
    public async Task One_dispatch_summarizes_each_live_tenants_day_and_each_reads_only_its_own()
    {
        var a = await SalesTenant.CreateAsync(system.Client, price: 10);
        var b = await SalesTenant.CreateAsync(system.Client, price: 7);
        var paused = await SalesTenant.CreateAsync(system.Client);
        await a.PlaceOrderAsync(quantity: 1);
        await a.PlaceOrderAsync(quantity: 2);
        await b.PlaceOrderAsync(quantity: 3);
        await paused.PlaceOrderAsync();
        Assert.Equal(HttpStatusCode.OK, (await system.Client.SendAsync(HttpMethod.Post, $"/api/tenants/{paused.Identifier}/suspend")).StatusCode);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        await DispatchAsync(today);

        Assert.Equal((2, 30m), await WaitForSummaryAsync(a, today, s => s.OrderCount == 2));
        Assert.Equal((1, 21m), await WaitForSummaryAsync(b, today, s => s.OrderCount == 1));
        // The suspended tenant left the fan-out: no summary job was even enqueued for it.
        Assert.Equal(0L, await system.ScalarAsync<long>(
            "SELECT count(*) FROM hangfire.jobparameter WHERE name = 'DisplayName' AND value LIKE $1", $"\"{paused.Identifier}: DailySalesSummary%"));
        // However many tenants: one recurring entry.
        Assert.Equal(1L, await system.ScalarAsync<long>("SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs'"));

        // The stored, cached summary does not move with live orders; the next run updates it and drops the cache.
        await a.PlaceOrderAsync(quantity: 1);
        Assert.Equal((2, 30m), await SummaryAsync(a, today));
        await DispatchAsync(today);
        Assert.Equal((3, 40m), await WaitForSummaryAsync(a, today, s => s.OrderCount == 3));
        Assert.Equal((1, 21m), await SummaryAsync(b, today));
    }

    [Fact]
    public async Task A_malformed_date_is_a_problem_and_a_day_without_summary_is_not_found()
    {
        var shop = await SalesTenant.CreateAsync(system.Client);

        var malformed = await TenancyClient.AssertProblemAsync(
            await system.Client.AsTenant(shop.Identifier, HttpMethod.Get, "/api/reports/daily-sales?date=2026-02-30"), HttpStatusCode.BadRequest);
        Assert.True(malformed.GetProperty("errors").TryGetProperty("date", out _));
        await TenancyClient.AssertProblemAsync(
            await system.Client.AsTenant(shop.Identifier, HttpMethod.Get, "/api/reports/daily-sales?date=2001-01-01"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await system.Client.SendAsync(HttpMethod.Post, "/api/jobs/daily-sales-summaries?date=tomorrow"), HttpStatusCode.BadRequest);
        // Dispatching is platform work: a tenant's host does not serve it.
        await TenancyClient.AssertProblemAsync(
            await system.Client.AsTenant(shop.Identifier, HttpMethod.Post, "/api/jobs/daily-sales-summaries?date=2001-01-01"), HttpStatusCode.NotFound);
    }

    private async Task DispatchAsync(string date)
    {
        var response = await system.Client.SendAsync(HttpMethod.Post, $"/api/jobs/daily-sales-summaries?date={date}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task<(int OrderCount, decimal Revenue)> SummaryAsync(SalesTenant shop, string date)
    {
        var summary = await shop.GetAsync($"/api/reports/daily-sales?date={date}");
        return (summary.GetProperty("orderCount").GetInt32(), summary.GetProperty("revenue").GetDecimal());
    }

    private static async Task<(int OrderCount, decimal Revenue)> WaitForSummaryAsync(
        SalesTenant shop, string date, Func<(int OrderCount, decimal Revenue), bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var response = await shop.Client.AsTenant(shop.Identifier, HttpMethod.Get, $"/api/reports/daily-sales?date={date}");
            var body = await TenancyClient.ReadAsync(response);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var value = (body.GetProperty("orderCount").GetInt32(), body.GetProperty("revenue").GetDecimal());
                if (done(value))
                {
                    return value;
                }
            }
            else
            {
                // Not computed yet: a problem, not an error.
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"{shop.Identifier}'s summary of {date} did not arrive; the last answer: {JsonSerializer.Serialize(body)}");
            }

            await Task.Delay(200);
        }
    }
}
