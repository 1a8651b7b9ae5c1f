using Hangfire.States;
using Hangfire.Storage;
using Tenancy.Jobs.Context;
using Tenancy.Limits;
using Tenancy.Resolution;

namespace Tenancy.Jobs.Fairness;

/// <summary>
/// Holds each tenant to its plan's <see cref="PlanQuota.MaxConcurrentJobs"/>: a job about to run while its tenant
/// already runs that many is scheduled again a moment later instead, with the reason in its history, and the Worker
/// takes another tenant's job. A job gives its slot back whatever way it leaves Processing.
/// </summary>
internal sealed class TenantConcurrencyLimiter(TenantJobSlots slots, TenantLookup lookup, TenantLimitResolver limits) : IElectStateFilter, IApplyStateFilter
{
    /// <summary>How long a job waits before it asks for a slot again (the scheduler then enqueues it at its next poll).</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not ProcessingState || Claim(context.GetJobParameter<string>) is not { } claim)
        {
            return;
        }

        // The activator refuses a job whose tenant is unknown or out of service; here only the limit is at stake.
        var tenant = lookup.FindByIdentifierAsync(claim.Identifier, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (tenant is null || tenant.Id != claim.TenantId || limits.For(tenant) is not { MaxConcurrentJobs: { } max } tenantLimits)
        {
            return;
        }

        if (!slots.TryTake(tenant.Id, context.BackgroundJob.Id, max))
        {
            context.CandidateState = new ScheduledState(Retry)
            {
                Reason = $"Tenant '{tenant.Identifier}' already runs {max} jobs (maxConcurrentJobs, {TenantLimits.Source(tenantLimits.ConcurrentJobsOverridden, tenant)}): waits for a slot",
            };
        }
    }

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        // Processing to Processing is a killed Worker's job taken again: the slot it took in the election above is the run's.
        if (context.OldStateName == ProcessingState.StateName && context.NewState.Name != ProcessingState.StateName
            && Claim(context.GetJobParameter<string>) is { } claim)
        {
            slots.Release(claim.TenantId, context.BackgroundJob.Id);
        }
    }

    private static TenantJobClaim? Claim(Func<string, bool, string?> parameter)
    {
        // A job with unreadable tenant parameters is refused by the activator; it needs no slot.
        try
        {
            return TenantJobClaim.Read(name => parameter(name, true));
        }
        catch (TenantJobRejectedException)
        {
            return null;
        }
    }
}
