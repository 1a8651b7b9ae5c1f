using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Context;
using Tenancy.Jobs;
using Tenancy.Jobs.Outbox;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Jobs;

/// <summary>
/// Jobs enqueued through the outbox commit with the tenant's data: each runs once if its transaction committed, never
/// if it did not, also when the process that enqueued it never got to start it; and no job can borrow another
/// tenant's outbox entry.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JobOutboxTests(PostgresFixture fixture) : IAsyncLifetime
{
    private static int _sequence = 10_000;

    private JobsHost _host = null!;

    // Short, so that jobs left waiting start by themselves within a test.
    public async Task InitializeAsync() => _host = await JobsHost.StartAsync(fixture, new Dictionary<string, string?> { ["Tenancy:Jobs:OutboxRecoverAfter"] = "00:00:02" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(TenantIsolation.Shared)]
    [InlineData(TenantIsolation.Schema)]
    [InlineData(TenantIsolation.Database)]
    public async Task A_job_saved_with_its_data_runs_once_as_its_tenant_as_soon_as_the_save_commits(TenantIsolation isolation)
    {
        var (tenant, productId) = await _host.CreateTenantAsync("ob", isolation);
        var sequence = Interlocked.Increment(ref _sequence);

        var jobId = await SaveWithJobAsync(tenant, sequence, productId, db => db.SaveChangesAsync());

        Assert.Equal("Succeeded", (await _host.WaitForFinalStateAsync(jobId, TimeSpan.FromSeconds(10))).Name);
        Assert.Equal(["Scheduled", "Enqueued", "Processing", "Succeeded"], await _host.StateHistoryAsync(jobId));
        Assert.Equal(1, _host.Probes.Runs[sequence]);
        var seen = _host.Probes.Observations[sequence];
        Assert.Equal((tenant.Identifier, tenant.Identifier, true), (seen.AmbientTenant, seen.DbContextTenant, seen.FoundProduct));
        var entry = await EntryAsync(tenant, jobId);
        Assert.NotNull(entry?.ClaimedAt);
        Assert.False(entry!.Abandoned);
    }

    [Fact]
    public async Task A_job_whose_transaction_rolls_back_never_runs()
    {
        var (tenant, productId) = await _host.CreateTenantAsync("ob");
        var sequence = Interlocked.Increment(ref _sequence);

        var jobId = await SaveWithJobAsync(tenant, sequence, productId, async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        });

        var state = await _host.WaitForFinalStateAsync(jobId, TimeSpan.FromSeconds(10));
        Assert.Equal("Deleted", state.Name);
        Assert.Equal("Its transaction rolled back", state.Reason);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(_host.Probes.Runs.ContainsKey(sequence));
        Assert.Null(await EntryAsync(tenant, jobId));
    }

    [Fact]
    public async Task A_committed_job_that_its_process_never_started_starts_by_itself_and_runs_once()
    {
        var (tenant, productId) = await _host.CreateTenantAsync("ob");
        var sequence = Interlocked.Increment(ref _sequence);

        // Committed beneath EF, as if the process had died right after the commit: nobody starts the job.
        var jobId = await SaveWithJobAsync(tenant, sequence, productId, async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.SaveChangesAsync();
            await transaction.GetDbTransaction().CommitAsync();
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal("Scheduled", JobState(jobId));

        Assert.Equal("Succeeded", (await _host.WaitForFinalStateAsync(jobId, TimeSpan.FromSeconds(15))).Name);
        Assert.Equal(1, _host.Probes.Runs[sequence]);
    }

    [Fact]
    public async Task A_job_whose_data_was_never_saved_is_refused_when_it_starts_by_itself()
    {
        var (tenant, productId) = await _host.CreateTenantAsync("ob");
        var sequence = Interlocked.Increment(ref _sequence);

        // The process "dies" before SaveChanges: nothing of the transaction exists, the job does.
        var jobId = await SaveWithJobAsync(tenant, sequence, productId, _ => Task.CompletedTask);

        var state = await _host.WaitForFinalStateAsync(jobId, TimeSpan.FromSeconds(15));
        Assert.Equal("Deleted", state.Name);
        Assert.Contains("did not commit", state.Reason, StringComparison.Ordinal);
        Assert.False(_host.Probes.Runs.ContainsKey(sequence));
        Assert.True((await EntryAsync(tenant, jobId))?.Abandoned);
    }

    [Fact]
    public async Task A_job_started_while_its_transaction_is_still_open_waits_for_the_commit()
    {
        var (tenant, productId) = await _host.CreateTenantAsync("ob");
        var sequence = Interlocked.Increment(ref _sequence);
        await using var scope = _host.Services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Products.Add(new Product { Sku = $"p{sequence}", Name = "with its job", Price = 1 });
        await scope.Services.GetRequiredService<JobOutbox>().EnqueueAsync<IProbeJob>(db, job => job.ProbeAsync(sequence, productId, CancellationToken.None));
        await db.SaveChangesAsync();
        var jobId = db.ChangeTracker.Entries<JobOutboxEntry>().Single().Entity.JobId;

        // Started early, by hand: its check of the entry waits on the open transaction's row.
        _host.Jobs.ChangeState(jobId, new EnqueuedState(), ScheduledState.StateName);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("Processing", JobState(jobId));
        Assert.False(_host.Probes.Runs.ContainsKey(sequence));

        await transaction.CommitAsync();
        Assert.Equal("Succeeded", (await _host.WaitForFinalStateAsync(jobId, TimeSpan.FromSeconds(10))).Name);
        Assert.Equal(1, _host.Probes.Runs[sequence]);
    }

    [Fact]
    public async Task A_job_naming_another_tenants_outbox_entry_is_refused_and_leaves_that_entry_alone()
    {
        var (a, productOfA) = await _host.CreateTenantAsync("oba");
        var (b, productOfB) = await _host.CreateTenantAsync("obb");
        var ofB = Interlocked.Increment(ref _sequence);
        var jobOfB = await SaveWithJobAsync(b, ofB, productOfB, db => db.SaveChangesAsync());
        Assert.Equal("Succeeded", (await _host.WaitForFinalStateAsync(jobOfB, TimeSpan.FromSeconds(10))).Name);
        var entryOfB = (await EntryAsync(b, jobOfB))!;

        // A job of A that claims B's entry, as a tampered job would.
        var forged = Interlocked.Increment(ref _sequence);
        string forgedJob;
        using (TenantContext.Enter(a))
        {
            forgedJob = ((IBackgroundJobClientV2)_host.Jobs).Create(
                Job.FromExpression<IProbeJob>(job => job.ProbeAsync(forged, productOfA, CancellationToken.None)),
                new EnqueuedState(),
                new Dictionary<string, object> { [TenantJobParameters.OutboxEntry] = entryOfB.Id.ToString() });
        }

        var state = await _host.WaitForFinalStateAsync(forgedJob, TimeSpan.FromSeconds(10));
        Assert.Equal("Deleted", state.Name);
        Assert.False(_host.Probes.Runs.ContainsKey(forged));
        var after = (await EntryAsync(b, jobOfB))!;
        Assert.Equal((entryOfB.JobId, entryOfB.ClaimedAt, false), (after.JobId, after.ClaimedAt, after.Abandoned));
        Assert.Equal(1, _host.Probes.Runs[ofB]);
    }

    /// <summary>A product and a probe job for it, in one unit of work that <paramref name="save"/> ends.</summary>
    private async Task<string> SaveWithJobAsync(TenantInfo tenant, int sequence, Guid productId, Func<SalesDbContext, Task> save)
    {
        await using var scope = _host.Services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        db.Products.Add(new Product { Sku = $"p{sequence}", Name = "with its job", Price = 1 });
        await scope.Services.GetRequiredService<JobOutbox>().EnqueueAsync<IProbeJob>(db, job => job.ProbeAsync(sequence, productId, CancellationToken.None));
        var jobId = db.ChangeTracker.Entries<JobOutboxEntry>().Single().Entity.JobId;
        await save(db);
        return jobId;
    }

    private async Task<JobOutboxEntry?> EntryAsync(TenantInfo tenant, string jobId)
    {
        await using var scope = _host.Services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        return await scope.Services.GetRequiredService<SalesDbContext>().Set<JobOutboxEntry>().AsNoTracking().SingleOrDefaultAsync(e => e.JobId == jobId);
    }

    private string? JobState(string jobId)
    {
        using var connection = _host.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }
}
