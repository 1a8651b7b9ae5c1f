using System.Data.Common;
using System.Runtime.CompilerServices;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tenancy.Jobs.Outbox;

/// <summary>
/// Starts the jobs of <see cref="JobOutbox"/> as soon as the transaction that saved their entries commits, and deletes
/// them when it rolls back. A failure here loses nothing: a job not started runs when its wait ends.
/// </summary>
internal sealed partial class JobOutboxDispatcher(JobEnqueuer enqueuer, IOptions<TenantJobsOptions> options, ILogger<JobOutboxDispatcher> logger)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // The jobs each context saved entries for and whose transaction has not ended yet.
    private readonly ConditionalWeakTable<DbContext, List<string>> _pending = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    // Without a transaction of the caller's, SaveChanges committed its own before this runs.
    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            await EndAsync(eventData.Context, committed: true);
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            EndAsync(eventData.Context, committed: true).GetAwaiter().GetResult();
        }

        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            await EndAsync(eventData.Context, committed: false);
        }
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            EndAsync(eventData.Context, committed: false).GetAwaiter().GetResult();
        }
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        EndAsync(eventData.Context, committed: true);

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        EndAsync(eventData.Context, committed: true).GetAwaiter().GetResult();

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        EndAsync(eventData.Context, committed: false);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        EndAsync(eventData.Context, committed: false).GetAwaiter().GetResult();

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var added = context.ChangeTracker.Entries<JobOutboxEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.JobId).ToList();
        if (added.Count == 0)
        {
            return;
        }

        lock (_pending)
        {
            _pending.GetOrCreateValue(context).AddRange(added);
        }
    }

    private async Task EndAsync(DbContext? context, bool committed)
    {
        List<string>? jobs;
        lock (_pending)
        {
            if (context is null || !_pending.TryGetValue(context, out jobs))
            {
                return;
            }

            _pending.Remove(context);
        }

        try
        {
            await enqueuer.RunAsync(client =>
            {
                foreach (var job in jobs)
                {
                    // Only from the wait: a job that already started by itself stays as it is.
                    _ = committed
                        ? client.ChangeState(job, new EnqueuedState { Reason = "Its transaction committed" }, ScheduledState.StateName)
                        : client.ChangeState(job, new DeletedState { Reason = "Its transaction rolled back" }, ScheduledState.StateName);
                }

                return jobs.Count;
            });
        }
        catch (Exception ex)
        {
            LogNotStarted(ex, jobs.Count, committed ? "started" : "deleted", options.Value.OutboxRecoverAfter);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} outbox job(s) could not be {Action} now; each starts when its wait of {Wait} ends and runs only if its transaction committed")]
    private partial void LogNotStarted(Exception exception, int count, string action, TimeSpan wait);
}
