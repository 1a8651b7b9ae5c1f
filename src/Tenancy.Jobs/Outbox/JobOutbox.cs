using System.Linq.Expressions;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Options;
using Tenancy.Isolation;

namespace Tenancy.Jobs.Outbox;

/// <summary>
/// Enqueues a job that commits with the tenant's database work: <see cref="EnqueueAsync"/> before the context's
/// <c>SaveChanges</c>, and the job runs once if and only if that save commits. The job is made first, waiting
/// (scheduled <see cref="TenantJobsOptions.OutboxRecoverAfter"/> ahead), and its outbox entry is added to the
/// context; right after the commit <see cref="JobOutboxDispatcher"/> starts it. If this process dies in between, it
/// starts by itself when its wait ends. Either way it runs only after finding its entry (<see cref="JobOutboxClaim"/>).
/// </summary>
public sealed class JobOutbox(JobEnqueuer enqueuer, IOptions<TenantJobsOptions> options, TimeProvider clock)
{
    public async Task EnqueueAsync<TJob>(TenantDbContext db, Expression<Func<TJob, Task>> job)
    {
        if (db.Model.FindEntityType(typeof(JobOutboxEntry)) is null)
        {
            throw new InvalidOperationException(
                $"{db.GetType().Name} has no job outbox: call modelBuilder.{nameof(JobOutboxModel.AddJobOutbox)}() in its OnModelCreating and add a migration.");
        }

        var entryId = Guid.CreateVersion7();
        var waiting = new ScheduledState(options.Value.OutboxRecoverAfter) { Reason = "Waiting for its transaction to commit" };
        var parameters = new Dictionary<string, object> { [TenantJobParameters.OutboxEntry] = entryId.ToString() };
        var created = Job.FromExpression(job);
        var jobId = await enqueuer.RunAsync(client => ((IBackgroundJobClientV2)client).Create(created, waiting, parameters));
        db.Add(new JobOutboxEntry { Id = entryId, JobId = jobId, CreatedAt = clock.GetUtcNow() });
    }
}
