using Microsoft.EntityFrameworkCore;
using Tenancy.Caching;
using Tenancy.Sales;
using Tenancy.Sales.Jobs;

namespace Tenancy.Worker.Jobs;

/// <summary>One tenant's sales of one UTC day: computed from its orders, stored (once per day), its cache dropped.</summary>
internal sealed partial class DailySalesSummaryJob(
    SalesDbContext db,
    TenantCache cache,
    TimeProvider clock,
    ILogger<DailySalesSummaryJob> logger) : IDailySalesSummaryJob
{
    public async Task ComputeAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var until = from.AddDays(1);
        var orders = db.Orders.Where(o => o.CreatedAt >= from && o.CreatedAt < until && o.Status != OrderStatus.Cancelled);
        var count = await orders.CountAsync(cancellationToken);
        var revenue = await orders.SumAsync(o => o.Total, cancellationToken);

        // Run again (a retry, a second dispatch), it overwrites the day's row; two at once collide on the unique
        // (tenant, date) and the loser is retried by Hangfire, then updates.
        var summary = await db.DailySalesSummaries.FirstOrDefaultAsync(s => s.Date == date, cancellationToken);
        if (summary is null)
        {
            summary = new DailySalesSummary { Date = date };
            db.DailySalesSummaries.Add(summary);
        }

        summary.OrderCount = count;
        summary.Revenue = revenue;
        summary.ComputedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);

        // The current tenant's entries only: the cache takes the tenant from the job's scope.
        await cache.InvalidateAsync(DailySalesSummary.CacheRegion);
        LogComputed(date, count, revenue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Daily sales of {Date}: {OrderCount} orders, {Revenue} revenue")]
    private partial void LogComputed(DateOnly date, int orderCount, decimal revenue);
}
