using Hangfire;
using Tenancy.Context;
using Tenancy.Registry;
using Tenancy.Sales.Jobs;
using Tenancy.Tenants;

namespace Tenancy.Worker.Jobs;

/// <summary>
/// One recurring entry for every tenant's daily summary, however many tenants there are: each run reads the registry
/// and enqueues one job per active or trial tenant, as that tenant. Tenants join and leave with their status; there
/// is no per-tenant schedule to add or remove.
/// </summary>
internal sealed partial class DailySalesDispatcher(
    TenantRegistry registry,
    IBackgroundJobClient jobs,
    TimeProvider clock,
    ILogger<DailySalesDispatcher> logger) : IDailySalesDispatcher
{
    public const string RecurringJobId = "daily-sales-summaries";

    public async Task DispatchAsync(DateOnly? date, CancellationToken cancellationToken)
    {
        var day = date ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var dispatched = 0;
        foreach (var tenant in await registry.ListAsync(cancellationToken: cancellationToken))
        {
            if (tenant.Status is not (TenantStatus.Active or TenantStatus.Trial))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            // The job takes its tenant from the context it is enqueued in, like any tenant job.
            using (TenantContext.Enter(TenantInfo.From(tenant)))
            {
                jobs.Enqueue<IDailySalesSummaryJob>(job => job.ComputeAsync(day, CancellationToken.None));
            }

            dispatched++;
        }

        LogDispatched(dispatched, day);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatched {Count} daily sales summaries of {Date}")]
    private partial void LogDispatched(int count, DateOnly date);
}
