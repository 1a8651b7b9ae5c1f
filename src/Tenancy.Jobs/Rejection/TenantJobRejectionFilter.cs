using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;

namespace Tenancy.Jobs.Rejection;

/// <summary>
/// Gives a refused job (see <see cref="TenantJobRejectedException"/>) its final state instead of a retry: deleted, with
/// the reason, when its tenant is suspended, deleted or unknown, or it was an outbox job whose transaction never
/// committed; failed when the job itself carries no or a conflicting tenant, which no retry can fix.
/// </summary>
internal sealed partial class TenantJobRejectionFilter(ILogger<TenantJobRejectionFilter> logger) : IElectStateFilter
{
    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not FailedState failed || TenantJobRejectedException.Find(failed.Exception) is not { } rejected)
        {
            return;
        }

        LogRejected(context.BackgroundJob.Id, rejected.Rejection, rejected.Message);
        if (rejected.EndsDeleted)
        {
            context.CandidateState = new DeletedState(new ExceptionInfo(rejected)) { Reason = rejected.Message };
        }
        else
        {
            // Stays failed (replacing the state would record a second one); only the reason changes.
            failed.Reason = rejected.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was refused ({Rejection}): {Reason}")]
    private partial void LogRejected(string jobId, TenantJobRejection rejection, string reason);
}

/// <summary>Hangfire's automatic retries, except for refused jobs: retrying cannot give them a tenant.</summary>
internal sealed class RetryUnlessRejected(AutomaticRetryAttribute retry) : IElectStateFilter, IApplyStateFilter
{
    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is FailedState failed && TenantJobRejectedException.Find(failed.Exception) is not null)
        {
            return;
        }

        retry.OnStateElection(context);
    }

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction) => retry.OnStateApplied(context, transaction);

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction) => retry.OnStateUnapplied(context, transaction);
}
