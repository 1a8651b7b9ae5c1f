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
}
