using Hangfire.States;
using Microsoft.Extensions.Options;

namespace Tenancy.Jobs.Fairness;

/// <summary>
/// Chooses the queue of every job a tenant enqueues: the default queue while the tenant is within its burst, the bulk
/// queue beyond it. Workers always drain the default queue first, and some workers take only from it, so one
/// tenant's ten thousand queued jobs wait behind the others' work instead of in front of it, yet still run whenever
/// there is room.
/// </summary>
internal sealed class TenantQueueRouter(TenantBurstMeter meter, IOptions<TenantJobsOptions> options) : IElectStateFilter
{
    public void OnStateElection(ElectStateContext context)
    {
        // Only jobs bound for the default queue: an explicit queue is the caller's decision.
        if (context.CandidateState is not EnqueuedState { Queue: TenantJobQueues.Default } enqueued || context.BackgroundJob.Job?.Queue is not null)
        {
            return;
        }

        if (TenantId(context) is not { } tenantId)
        {
            return;
        }

        if (meter.CountAndCheck(tenantId))
        {
            var burst = $"its tenant enqueued more than {options.Value.BurstLimit} jobs in {options.Value.BurstWindow.TotalSeconds:0} s";
            context.CandidateState = new EnqueuedState(TenantJobQueues.Bulk)
            {
                Reason = enqueued.Reason is null ? $"Queued as bulk: {burst}" : $"{enqueued.Reason} (queued as bulk: {burst})",
            };
        }
    }

    // Only the tenant's own counter is at stake here; the activator refuses a job with unreadable tenant parameters.
    private static Guid? TenantId(ElectStateContext context)
    {
        try
        {
            return Guid.TryParse(context.GetJobParameter<string>(TenantJobParameters.TenantId, allowStale: true), out var id) ? id : null;
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }
}
