using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenancy.Caching;
using Tenancy.Sales;

namespace Tenancy.Api.Jobs;

public sealed record DailySalesResponse(DateOnly Date, int OrderCount, decimal Revenue, DateTimeOffset ComputedAt);

public static class DailySalesApi
{
    public static void MapDailySalesApi(this RouteGroupBuilder api) =>
        api.MapGet("/reports/daily-sales", GetDailySales)
            .WithTags("Reports")
            .WithName("GetDailySales")
            .WithSummary("One UTC day's sales (?date=YYYY-MM-DD), as computed by the nightly job");

    public static async Task<Results<Ok<DailySalesResponse>, ValidationProblem, ProblemHttpResult>> GetDailySales(
        string? date, SalesDbContext db, TenantCache cache, CancellationToken cancellationToken)
    {
        if (ParseDate(date) is not { } day)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["date"] = ["A date is required, as YYYY-MM-DD."] });
        }

        // Read through the tenant's cache; the job that stores a summary drops the region.
        var key = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var summary = await cache.GetOrCreateAsync(DailySalesSummary.CacheRegion, key, async ct =>
            await db.DailySalesSummaries.AsNoTracking()
                .Where(s => s.Date == day)
                .Select(s => new DailySalesResponse(s.Date, s.OrderCount, s.Revenue, s.ComputedAt))
                .FirstOrDefaultAsync(ct),
            cancellationToken);
        return summary is not null
            ? TypedResults.Ok(summary)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No summary yet",
                detail: $"The sales of {key} have not been summarized yet; summaries are computed each night for the day before.");
    }

    internal static DateOnly? ParseDate(string? date) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
