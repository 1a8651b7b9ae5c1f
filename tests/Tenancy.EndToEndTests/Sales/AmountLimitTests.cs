using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tenancy.EndToEndTests.Jobs;

namespace Tenancy.EndToEndTests.Sales;

/// <summary>
/// Amounts are refused up front when their column (numeric(14,2) totals, numeric(12,2) prices) cannot hold them, and
/// what the Api accepted never makes the daily summary job fail.
/// </summary>
[Collection(JobsAppHostCollection.Name)]
public sealed class AmountLimitTests(JobsAppHostFixture system)
{
    private const decimal MaxPrice = 1_000_000_000m;

    [Fact]
    public async Task An_order_whose_line_total_would_overflow_its_column_is_a_400_naming_the_field_and_nothing_is_stored()
    {
        var shop = await SalesTenant.CreateAsync(system.Client, price: MaxPrice);

        // 1,000,000,000 × 1,000 = 10^12 > 999,999,999,999.99, the most numeric(14,2) holds.
        var response = await system.Client.AsTenant(shop.Identifier, HttpMethod.Post, "/api/orders", new
        {
            customerId = shop.CustomerId,
            locationId = shop.LocationId,
            lines = new[] { new { productId = shop.ProductId, quantity = 1 }, new { productId = shop.ProductId, quantity = 1_000 } },
        });

        var problem = await TenancyClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        var line = Assert.Single(errors.GetProperty("lines[1].quantity").EnumerateArray()).GetString();
        Assert.Contains("999,999,999,999.99", line, StringComparison.Ordinal);
        Assert.Contains("total", errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal(0, (await shop.GetAsync("/api/orders")).GetProperty("count").GetInt64());

        // The largest line that fits is taken, to the cent.
        await shop.PlaceOrderAsync(quantity: 999);
        Assert.Equal(999_000_000_000m, (await shop.GetAsync("/api/orders")).GetProperty("data")[0].GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task A_price_with_more_cents_than_its_column_keeps_or_above_the_limit_is_a_400()
    {
        var shop = await SalesTenant.CreateAsync(system.Client);

        var cents = await TenancyClient.AssertProblemAsync(
            await system.Client.AsTenant(shop.Identifier, HttpMethod.Post, "/api/products", new { sku = "C-1", name = "Tenth of a cent", price = 1.001m }), HttpStatusCode.BadRequest);
        Assert.Contains("decimal places", cents.GetProperty("errors").GetProperty("Price")[0].GetString(), StringComparison.Ordinal);
        await TenancyClient.AssertProblemAsync(
            await system.Client.AsTenant(shop.Identifier, HttpMethod.Post, "/api/products", new { sku = "C-2", name = "Too dear", price = MaxPrice + 1 }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_daily_summary_of_a_tenant_with_the_largest_valid_orders_succeeds()
    {
        var shop = await SalesTenant.CreateAsync(system.Client, price: MaxPrice);
        // Each order fits numeric(14,2); their sum, 2,997,000,000,000, does not: the summary must hold it anyway.
        for (var i = 0; i < 3; i++)
        {
            await shop.PlaceOrderAsync(quantity: 999);
        }

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var dispatch = await system.Client.SendAsync(HttpMethod.Post, $"/api/jobs/daily-sales-summaries?date={today}");
        Assert.Equal(HttpStatusCode.Accepted, dispatch.StatusCode);

        var waited = Stopwatch.StartNew();
        while (true)
        {
            var response = await system.Client.AsTenant(shop.Identifier, HttpMethod.Get, $"/api/reports/daily-sales?date={today}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var summary = await TenancyClient.ReadAsync(response);
                Assert.Equal(3, summary.GetProperty("orderCount").GetInt32());
                Assert.Equal(2_997_000_000_000m, summary.GetProperty("revenue").GetDecimal());
                break;
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the summary never arrived");
            await Task.Delay(200);
        }

        // Succeeded the first time: no failed attempt and no retry of this tenant's job.
        Assert.Equal(0L, await system.ScalarAsync<long>("""
            SELECT count(*) FROM hangfire.state s JOIN hangfire.jobparameter p ON p.jobid = s.jobid
            WHERE p.name = 'DisplayName' AND p.value LIKE $1 AND s.name = 'Failed'
            """, $"\"{shop.Identifier}: DailySalesSummary%"));
    }
}
