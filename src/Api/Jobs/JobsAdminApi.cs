using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Jobs;
using Tenancy.Sales.Jobs;

namespace Tenancy.Api.Jobs;

public sealed record DispatchResponse(string JobId, DateOnly Date);

/// <summary>Starting platform jobs by hand (a backfill, a re-run), on the platform host only.</summary>
public static class JobsAdminApi
{
    public static void MapJobsAdminApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/jobs/daily-sales-summaries", DispatchDailySales)
            .WithTags("Jobs")
            .WithName("DispatchDailySales")
            .WithSummary("Summarize one day's sales (?date=YYYY-MM-DD) for every active tenant now, as the nightly run does")
            .RequirePlatform()
            .AddEndpointFilter<DevelopmentOnlyFilter>();

    public static async Task<Results<Accepted<DispatchResponse>, ValidationProblem>> DispatchDailySales(string? date, JobEnqueuer jobs)
    {
        if (DailySalesApi.ParseDate(date) is not { } day)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["date"] = ["A date is required, as YYYY-MM-DD."] });
        }

        var jobId = await jobs.EnqueueAsync<IDailySalesDispatcher>(dispatcher => dispatcher.DispatchAsync(day, CancellationToken.None));
        return TypedResults.Accepted((string?)null, new DispatchResponse(jobId, day));
    }
}

/// <summary>Starting platform jobs by hand is a Development convenience; like every platform endpoint, for platform admins only.</summary>
internal sealed class DevelopmentOnlyFilter(IHostEnvironment environment) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        environment.IsDevelopment()
            ? await next(context)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Admin API disabled",
                detail: "Job administration requires authentication, which is not configured; it is open in the Development environment only.");
}
