using Hangfire;
using Tenancy.Jobs;

namespace Tenancy.Sales.Jobs;

// The contracts the Api enqueues and the Worker implements: a job names an interface, so the Api needs no Worker code.
// Tenant jobs are enqueued while their tenant is current and never take it as an argument: the job carries it.

public interface IOrderConfirmationJob
{
    /// <summary>Records the order's confirmation for its customer and delivers it; safe to run again.</summary>
    [JobDisplayName("SendOrderConfirmation #{0}")]
    Task SendAsync(Guid orderId, CancellationToken cancellationToken);
}

public interface IDailySalesSummaryJob
{
    /// <summary>Computes and stores the current tenant's sales of <paramref name="date"/> (UTC); safe to run again.</summary>
    [JobDisplayName("DailySalesSummary {0:yyyy-MM-dd}")]
    Task ComputeAsync(DateOnly date, CancellationToken cancellationToken);
}

/// <summary>The one recurring entry behind every tenant's daily summary: it fans out one job per live tenant.</summary>
[PlatformJob]
public interface IDailySalesDispatcher
{
    /// <param name="date">The UTC day to summarize; yesterday when null (the nightly run).</param>
    [JobDisplayName("Dispatch daily sales summaries")]
    Task DispatchAsync(DateOnly? date, CancellationToken cancellationToken);
}
