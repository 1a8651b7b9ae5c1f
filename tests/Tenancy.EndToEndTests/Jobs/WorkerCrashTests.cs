using System.Diagnostics;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Jobs;

/// <summary>At least once, with idempotent jobs: a Worker killed outright loses no job and duplicates no effect.</summary>
[Collection(JobsAppHostCollection.Name)]
public sealed class WorkerCrashTests(JobsAppHostFixture system, ITestOutputHelper output)
{
    [Fact]
    public async Task A_worker_killed_with_SIGKILL_mid_job_completes_every_job_once_after_restart()
    {
        const int OrderCount = 30;
        var shop = await SalesTenant.CreateAsync(system.Client);
        var clock = Stopwatch.StartNew();
        var orders = await Task.WhenAll(Enumerable.Range(0, OrderCount).Select(_ => shop.PlaceOrderAsync()));

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {OrderCount} orders placed");
        // Kill while a confirmation is being delivered: recorded and attempted, not yet marked sent.
        await shop.WaitForNotificationsAsync(
            n => n.Any(x => x.GetProperty("status").GetString() == "pending" && x.GetProperty("deliveryAttempts").GetInt32() == 1), TimeSpan.FromSeconds(30));
        var worker = Process.GetProcessById(system.App.ServiceProcessId("worker"));
        worker.Kill(); // SIGKILL: no shutdown, no requeue, no flushed state
        await worker.WaitForExitAsync();
        // With the Worker dead, what is still pending after an attempt is what the kill interrupted.
        var interrupted = (await shop.NotificationsAsync())
            .Where(x => x.GetProperty("status").GetString() == "pending" && x.GetProperty("deliveryAttempts").GetInt32() >= 1)
            .Select(x => x.GetProperty("orderId").GetGuid())
            .ToHashSet();
        var processingAtKill = await system.ScalarAsync<long>(
            "SELECT count(*) FROM hangfire.job j JOIN hangfire.jobparameter p ON p.jobid = j.id AND p.name = 'Tenant' WHERE p.value = $1 AND j.statename = 'Processing'",
            $"\"{shop.Identifier}\"");

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed the Worker with {processingAtKill} jobs processing, {interrupted.Count} deliveries under way");
        await system.App.StartResourceAsync("worker");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: Worker started again");

        var done = await shop.WaitForNotificationsAsync(
            n => n.Count == OrderCount && n.All(x => x.GetProperty("status").GetString() == "sent"), TimeSpan.FromSeconds(120));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: all {OrderCount} confirmations sent");
        Assert.True(processingAtKill > 0, "no job was running when the Worker was killed");
        Assert.Equal(orders.Order(), done.Select(x => x.GetProperty("orderId").GetGuid()).Order());
        // The interrupted deliveries were finished by a second run, on the same record.
        Assert.NotEmpty(interrupted);
        Assert.All(done.Where(x => interrupted.Contains(x.GetProperty("orderId").GetGuid())), x => Assert.True(x.GetProperty("deliveryAttempts").GetInt32() >= 2));
        // A job's last notification is marked sent inside the job; Hangfire records Succeeded just after it returns.
        var succeeded = 0L;
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(10) && succeeded < OrderCount; await Task.Delay(100))
        {
            succeeded = await system.ScalarAsync<long>(
                // The tenant's confirmations only: its daily sales summary may run meanwhile.
                "SELECT count(*) FROM hangfire.job j JOIN hangfire.jobparameter p ON p.jobid = j.id AND p.name = 'Tenant' WHERE p.value = $1 AND j.statename = 'Succeeded' AND j.invocationdata::text LIKE '%OrderConfirmation%'",
                $"\"{shop.Identifier}\"");
        }

        Assert.Equal(OrderCount, succeeded);
    }
}
