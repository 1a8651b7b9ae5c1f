using System.Diagnostics;
using Npgsql;
using Tenancy.EndToEndTests.Failures;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Jobs;

/// <summary>
/// An order and its confirmation commit together (the job outbox): the Api killed after the order's commit, before it
/// started the confirmation job, still gets the customer exactly one confirmation.
/// </summary>
[Collection(ApiCrashCollection.Name)]
public sealed class OrderConfirmationCrashTests(ApiCrashFixture system, ITestOutputHelper output)
{
    [Fact]
    public async Task An_api_killed_between_an_orders_commit_and_its_job_start_still_confirms_the_order_once()
    {
        var shop = await SalesTenant.CreateAsync(system.Client);
        var schema = await system.ScalarAsync<string>("SELECT schema_name FROM tenancy.tenants WHERE identifier = $1", shop.Identifier);

        // Starting a job inserts into Hangfire's queue table: while this lock is held, the Api that committed the
        // order waits there, between the commit and the start.
        string? jobId;
        await using (var holder = new NpgsqlConnection(await system.App.GetConnectionStringAsync("tenancydb")))
        {
            await holder.OpenAsync();
            await using var hold = await holder.BeginTransactionAsync();
            await using (var lockQueue = new NpgsqlCommand("LOCK TABLE hangfire.jobqueue IN EXCLUSIVE MODE", holder, hold))
            {
                await lockQueue.ExecuteNonQueryAsync();
            }

            var placed = shop.PlaceOrderAsync();
            var waited = Stopwatch.StartNew();
            // Committed rows only: the entry shows once the order's transaction has committed.
            while ((jobId = await system.ScalarAsync<string>($"SELECT job_id FROM \"{schema}\".job_outbox")) is null)
            {
                Assert.False(placed.IsCompleted, "the order was answered although its job could not be started");
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the order never committed");
                await Task.Delay(5);
            }

            Assert.False(placed.IsCompleted);
            Assert.Equal("Scheduled", await system.ScalarAsync<string>("SELECT statename FROM hangfire.job WHERE id = $1", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture)));
            await system.KillApiAsync();
            output.WriteLine($"killed the Api {waited.ElapsedMilliseconds} ms after the order was sent, its job {jobId} still waiting");
            await Assert.ThrowsAnyAsync<Exception>(() => placed);
            await hold.RollbackAsync();
        }

        await system.RestartApiAsync();
        var confirmation = Assert.Single(await shop.WaitForNotificationsAsync(
            n => n.Count == 1 && n[0].GetProperty("status").GetString() == "sent", TimeSpan.FromSeconds(60)));
        Assert.Equal(jobId, confirmation.GetProperty("jobId").GetString());
        Assert.Equal(1, confirmation.GetProperty("deliveryAttempts").GetInt32());
        var order = Assert.Single((await shop.GetAsync("/api/orders")).GetProperty("data").EnumerateArray());
        Assert.Equal(order.GetProperty("id").GetGuid(), confirmation.GetProperty("orderId").GetGuid());
        // One job ever made for the order, run once.
        Assert.Equal(1L, await system.ScalarAsync<long>("SELECT count(*) FROM hangfire.jobparameter WHERE name = 'OutboxEntry' AND value IN (SELECT to_json(id::text)::text FROM \"" + schema + "\".job_outbox)"));
        Assert.Equal(1L, await system.ScalarAsync<long>("SELECT count(*) FROM hangfire.state WHERE jobid = $1 AND name = 'Succeeded'", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
