using Microsoft.Extensions.DependencyInjection;
using Tenancy.Tenants;
using Xunit.Abstractions;

namespace Tenancy.IntegrationTests.Jobs;

/// <summary>
/// A tenant's plan caps its jobs running at once on all Workers together: the rest wait their turn, run in the end,
/// and leave the other workers to other tenants. The same run with a cap above the workers shows the cap is what held it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantJobConcurrencyTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const int Cap = 2;

    private static Dictionary<string, string?> Settings(int cap) => new()
    {
        ["Tenancy:Jobs:WorkerCount"] = "6",
        ["Tenancy:Jobs:ReservedWorkerCount"] = "0",
        ["Tenancy:Limits:Plans:trial:MaxConcurrentJobs"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tenancy:Limits:Plans:standard:MaxConcurrentJobs"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tenancy:Limits:Plans:enterprise:MaxConcurrentJobs"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task A_tenant_runs_no_more_jobs_at_once_than_its_plan_allows_and_another_tenant_runs_its_own_meanwhile()
    {
        await using var host = await JobsHost.StartAsync(fixture, Settings(Cap));
        var (busy, _) = await host.CreateTenantAsync("busy");
        var (other, _) = await host.CreateTenantAsync("other");

        var busyJobs = Enqueue(host, busy, 8, milliseconds: 600);
        var otherJobs = Enqueue(host, other, Cap, milliseconds: 600);
        foreach (var job in busyJobs.Concat(otherJobs))
        {
            Assert.Equal("Succeeded", (await host.WaitForFinalStateAsync(job, TimeSpan.FromSeconds(60))).Name);
        }

        var log = host.Services.GetRequiredService<FairnessLog>();
        output.WriteLine($"peak at once: {busy.Identifier} {log.Peak[busy.Identifier]}, {other.Identifier} {log.Peak[other.Identifier]}");
        Assert.Equal(Cap, log.Peak[busy.Identifier]);
        Assert.Equal(Cap, log.Peak[other.Identifier]);

        // A job that waited says why in its history, and nothing of the other tenant was ever held for it.
        var histories = await Task.WhenAll(busyJobs.Select(host.StateHistoryAsync));
        Assert.Contains(histories, history => history.Contains("Scheduled"));
        Assert.All(await Task.WhenAll(otherJobs.Select(host.StateHistoryAsync)), history => Assert.DoesNotContain("Scheduled", history));
    }

    [Fact]
    public async Task With_a_cap_above_the_workers_the_same_jobs_run_side_by_side()
    {
        await using var host = await JobsHost.StartAsync(fixture, Settings(100));
        var (busy, _) = await host.CreateTenantAsync("busy");
        foreach (var job in Enqueue(host, busy, 8, milliseconds: 600))
        {
            Assert.Equal("Succeeded", (await host.WaitForFinalStateAsync(job, TimeSpan.FromSeconds(60))).Name);
        }

        Assert.True(host.Services.GetRequiredService<FairnessLog>().Peak[busy.Identifier] > Cap, "without the cap, more than two ran at once");
    }

    [Fact]
    public async Task A_tenants_own_cap_replaces_its_plans_and_the_other_tenant_keeps_the_plans()
    {
        await using var host = await JobsHost.StartAsync(fixture, Settings(100));
        var (held, _) = await host.CreateTenantAsync("held");
        var (free, _) = await host.CreateTenantAsync("free");
        held = await host.Services.SetLimitOverridesAsync(held, new LimitOverrides(null, null, MaxCacheEntries: null, MaxConcurrentJobs: 1));

        var heldJobs = Enqueue(host, held, 4, milliseconds: 600);
        var freeJobs = Enqueue(host, free, 4, milliseconds: 600);
        foreach (var job in heldJobs.Concat(freeJobs))
        {
            Assert.Equal("Succeeded", (await host.WaitForFinalStateAsync(job, TimeSpan.FromSeconds(60))).Name);
        }

        var log = host.Services.GetRequiredService<FairnessLog>();
        output.WriteLine($"peak at once: {held.Identifier} {log.Peak[held.Identifier]}, {free.Identifier} {log.Peak[free.Identifier]}");
        Assert.Equal(1, log.Peak[held.Identifier]);
        Assert.True(log.Peak[free.Identifier] > 1, "the other tenant, on its plan's cap of 100, ran more than one at once");
        var histories = await Task.WhenAll(heldJobs.Select(host.StateHistoryAsync));
        Assert.Contains(histories, history => history.Contains("Scheduled"));
    }

    private static List<string> Enqueue(JobsHost host, TenantInfo tenant, int count, int milliseconds) =>
        [.. Enumerable.Range(0, count).Select(sequence => host.Enqueue<IFairnessJob>(tenant, job => job.WorkAsync(sequence, milliseconds, CancellationToken.None)))];
}
