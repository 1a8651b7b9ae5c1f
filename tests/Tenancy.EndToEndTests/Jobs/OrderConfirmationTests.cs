namespace Tenancy.EndToEndTests.Jobs;

/// <summary>Placing an order enqueues its confirmation in the Api; the Worker performs it as the order's tenant.</summary>
[Collection(JobsAppHostCollection.Name)]
public sealed class OrderConfirmationTests(JobsAppHostFixture system)
{
    [Fact]
    public async Task An_order_gets_one_confirmation_written_by_a_job_of_its_own_tenant_and_listed_on_its_host_only()
    {
        var a = await SalesTenant.CreateAsync(system.Client);
        var b = await SalesTenant.CreateAsync(system.Client);

        var orderOfA = await a.PlaceOrderAsync();
        var orderOfB = await b.PlaceOrderAsync();

        var confirmation = Assert.Single(await a.WaitForNotificationsAsync(n => n.Count == 1 && n[0].GetProperty("status").GetString() == "sent", TimeSpan.FromSeconds(30)));
        Assert.Equal(orderOfA, confirmation.GetProperty("orderId").GetGuid());
        Assert.Equal(a.Identifier, confirmation.GetProperty("tenant").GetString());
        Assert.Equal("order-confirmation", confirmation.GetProperty("kind").GetString());
        Assert.Equal($"buyer@{a.Identifier}.example", confirmation.GetProperty("recipient").GetString());
        Assert.Equal(1, confirmation.GetProperty("deliveryAttempts").GetInt32());
        Assert.False(string.IsNullOrEmpty(confirmation.GetProperty("jobId").GetString()));

        var ofB = Assert.Single(await b.WaitForNotificationsAsync(n => n.Count == 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(orderOfB, ofB.GetProperty("orderId").GetGuid());
        Assert.Equal(b.Identifier, ofB.GetProperty("tenant").GetString());
        // Asking A's host for B's order finds nothing.
        Assert.Empty(await a.NotificationsAsync($"&orderId={orderOfB}"));
    }

    [Fact]
    public async Task The_workers_log_of_a_confirmation_names_the_order_but_never_the_customers_address()
    {
        var shop = await SalesTenant.CreateAsync(system.Client);
        var email = $"buyer@{shop.Identifier}.example";
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var lines = new List<string>();
        var logger = system.App.Services.GetRequiredService<ResourceLoggerService>();
        // By the resource, not its name: DCP keeps a project's console under its instance name (worker-…).
        var worker = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "worker");

        var order = await shop.PlaceOrderAsync();
        await foreach (var batch in logger.WatchAsync(worker).WithCancellation(watching.Token))
        {
            lines.AddRange(batch.Select(line => line.Content));
            if (lines.Exists(line => line.Contains($"Confirmed order {order}", StringComparison.Ordinal)))
            {
                break;
            }
        }

        Assert.Contains(lines, line => line.Contains($"Confirmed order {order}", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(email, StringComparison.OrdinalIgnoreCase));
    }
}
