using System.Diagnostics;

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
    public async Task The_trace_of_an_order_request_contains_the_workers_job_span()
    {
        var shop = await SalesTenant.CreateAsync(system.Client);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = ActivitySpanId.CreateRandom().ToHexString();

        await shop.PlaceOrderAsync(traceParent: $"00-{traceId}-{callerSpan}-01");

        var timeout = TimeSpan.FromSeconds(30);
        var job = await system.Traces.WaitForSpanAsync(
            s => s.TraceId == traceId && s.Service == "worker" && s.Name == "perform IOrderConfirmationJob.SendAsync", timeout, "the Worker's job span in the order's trace");
        var enqueue = await system.Traces.WaitForSpanAsync(s => s.SpanId == job.ParentSpanId, timeout, "the job span's parent");
        var request = await system.Traces.WaitForSpanAsync(s => s.SpanId == enqueue.ParentSpanId, timeout, "the enqueue span's parent");

        Assert.Equal(("api", "enqueue IOrderConfirmationJob.SendAsync", traceId), (enqueue.Service, enqueue.Name, enqueue.TraceId));
        Assert.Equal(("api", traceId, callerSpan), (request.Service, request.TraceId, request.ParentSpanId));
        Assert.Equal(shop.Identifier, job.Attributes["tenant.identifier"]);
        Assert.Equal(shop.Identifier, enqueue.Attributes["tenant.identifier"]);
        Assert.StartsWith($"{shop.Identifier}: SendOrderConfirmation #", job.Attributes["job.display_name"], StringComparison.Ordinal);
        // The job's own work (its database commands) hangs under the job span.
        await system.Traces.WaitForSpanAsync(s => s.Service == "worker" && s.ParentSpanId == job.SpanId, timeout, "a child of the job span");
    }
}
