using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Tenants;
using Xunit.Abstractions;

namespace Tenancy.IntegrationTests.Jobs;

/// <summary>
/// One noisy tenant must not starve the others: with tenant A's 10,000 jobs queued, tenant B's jobs start within 2 s
/// at p95. The same measurement without the burst limit shows B stuck behind A, so the test can fail.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantJobFairnessTests(PostgresFixture fixture, ITestOutputHelper output)
{
    // Few workers, so A's backlog lasts for the whole measurement: 3 shared, 1 reserved for the default queue.
    private static readonly Dictionary<string, string?> Workers = new()
    {
        ["Tenancy:Jobs:WorkerCount"] = "3",
        ["Tenancy:Jobs:ReservedWorkerCount"] = "1",
    };

    [Fact]
    public async Task With_tenant_As_ten_thousand_jobs_queued_tenant_Bs_jobs_start_within_2_s_at_p95()
    {
        await using var host = await JobsHost.StartAsync(fixture, Workers);
        var (a, _) = await host.CreateTenantAsync("noisy");
        var (b, _) = await host.CreateTenantAsync("quiet");

        var flooding = Stopwatch.StartNew();
        await EnqueueManyAsync(host, a, 10_000, milliseconds: 20);
        output.WriteLine($"A enqueued 10,000 jobs in {flooding.Elapsed.TotalSeconds:0.0} s; {await QueuedAsync(host, "bulk")} on the bulk queue");

        var latencies = await MeasureStartLatenciesAsync(host, b, samples: 20);
        var stillQueued = await QueuedAsync(host, "bulk");

        var p95 = Percentile(latencies, 0.95);
        output.WriteLine($"B's start latency: p50 {Percentile(latencies, 0.5):0} ms, p95 {p95:0} ms, max {latencies.Max():0} ms; A still had {stillQueued} jobs queued");
        Assert.True(stillQueued > 5_000, $"A's backlog was drained ({stillQueued} left): the measurement did not happen under load");
        Assert.True(p95 < 2_000, $"B's jobs started {p95:0} ms after being enqueued at p95");
    }

    [Fact]
    public async Task Without_the_burst_limit_tenant_Bs_job_waits_behind_tenant_As_backlog()
    {
        await using var host = await JobsHost.StartAsync(fixture, new Dictionary<string, string?>(Workers) { ["Tenancy:Jobs:BurstLimit"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var (a, _) = await host.CreateTenantAsync("noisy");
        var (b, _) = await host.CreateTenantAsync("quiet");
        await EnqueueManyAsync(host, a, 2_000, milliseconds: 20);

        host.Enqueue<IFairnessJob>(b, job => job.WorkAsync(0, 0, CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(2));

        var fairness = host.Services.GetRequiredService<FairnessLog>();
        output.WriteLine($"After 2 s, A had run {fairness.StartedOf(a.Identifier)} jobs and B {fairness.StartedOf(b.Identifier)}");
        Assert.Equal(0, fairness.StartedOf(b.Identifier));
        Assert.Equal(0L, await QueuedAsync(host, "bulk"));
    }

    [Fact]
    public async Task With_Redis_down_a_tenants_jobs_are_still_enqueued_and_run_first_come_first_served()
    {
        await using var host = await JobsHost.StartAsync(fixture);
        var (tenant, productId) = await host.CreateTenantAsync();

        await fixture.Servers.StopResourceAsync("cache");
        try
        {
            var enqueueing = Stopwatch.StartNew();
            var jobId = host.Enqueue<IProbeJob>(tenant, job => job.ProbeAsync(1, productId, CancellationToken.None));
            enqueueing.Stop();

            // No wait for a Redis timeout: the burst meter notices Redis is away and lets the job through.
            Assert.True(enqueueing.Elapsed < TimeSpan.FromSeconds(1), $"enqueueing took {enqueueing.Elapsed.TotalSeconds:0.0} s without Redis");
            Assert.Equal("Succeeded", (await host.WaitForFinalStateAsync(jobId)).Name);
            Assert.Equal(tenant.Identifier, host.Probes.Observations[1].AmbientTenant);
            Assert.Equal(1L, await QueuedOrDoneOnAsync(host, jobId, "default"));
        }
        finally
        {
            await fixture.Servers.StartResourceAsync("cache");
        }
    }

    private static async Task EnqueueManyAsync(JobsHost host, TenantInfo tenant, int count, int milliseconds) =>
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 6 }, (sequence, _) =>
        {
            host.Enqueue<IFairnessJob>(tenant, job => job.WorkAsync(sequence, milliseconds, CancellationToken.None));
            return ValueTask.CompletedTask;
        });

    /// <summary>Enqueues B's jobs one at a time, a quarter of a second apart, and returns how long each waited to start.</summary>
    private static async Task<List<double>> MeasureStartLatenciesAsync(JobsHost host, TenantInfo tenant, int samples)
    {
        var fairness = host.Services.GetRequiredService<FairnessLog>();
        var enqueued = new Dictionary<int, long>();
        for (var sequence = 0; sequence < samples; sequence++)
        {
            enqueued[sequence] = Stopwatch.GetTimestamp();
            var jobSequence = sequence;
            host.Enqueue<IFairnessJob>(tenant, job => job.WorkAsync(jobSequence, 0, CancellationToken.None));
            await Task.Delay(250);
        }

        var waited = Stopwatch.StartNew();
        while (fairness.StartedOf(tenant.Identifier) < samples && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        return [.. enqueued.Select(e => fairness.Started.TryGetValue((tenant.Identifier, e.Key), out var started)
            ? Stopwatch.GetElapsedTime(e.Value, started).TotalMilliseconds
            : double.PositiveInfinity)];
    }

    private static async Task<long> QueuedAsync(JobsHost host, string queue)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"SELECT count(*) FROM {host.Schema}.jobqueue WHERE queue = $1 AND fetchedat IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = queue });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Whether the job was enqueued on <paramref name="queue"/>, from its Enqueued state.</summary>
    private static async Task<long> QueuedOrDoneOnAsync(JobsHost host, string jobId, string queue)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"SELECT count(*) FROM {host.Schema}.state WHERE jobid = $1 AND name = 'Enqueued' AND data::jsonb ->> 'Queue' = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture) });
        command.Parameters.Add(new NpgsqlParameter { Value = queue });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(percentile * sorted.Count) - 1];
    }
}
