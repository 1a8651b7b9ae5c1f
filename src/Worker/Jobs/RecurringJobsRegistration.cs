using Hangfire;
using Microsoft.Extensions.Options;
using Tenancy.Sales.Jobs;

namespace Tenancy.Worker.Jobs;

/// <summary>Declares the recurring jobs as the Worker starts (idempotent: every Worker may do it).</summary>
internal sealed class RecurringJobsRegistration(IRecurringJobManager recurringJobs, IOptions<DailySalesSummaryOptions> dailySummary) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<IDailySalesDispatcher>(
            DailySalesDispatcher.RecurringJobId,
            dispatcher => dispatcher.DispatchAsync(null, CancellationToken.None),
            dailySummary.Value.Cron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
