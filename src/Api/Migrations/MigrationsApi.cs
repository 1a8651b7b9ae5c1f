using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Migrations;
using Tenancy.Tenants;

namespace Tenancy.Api.Migrations;

/// <param name="Tenants">The tenants to migrate; null or empty for all of them.</param>
/// <param name="Shared">Whether the shared (registry) migrations run first, as <c>tenancy migrate</c> does without options.</param>
public sealed record StartMigrationRequest(IReadOnlyList<string>? Tenants = null, int? Parallelism = null, bool Shared = true);

public sealed record TenantMigrationResultResponse(string Identifier, TenantMigrationOutcome Outcome, IReadOnlyList<string> Applied, string? Error, long ElapsedMs);

public sealed record MigrationRunResponse(
    Guid Id,
    MigrationRunState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    int Total,
    int Done,
    int Migrated,
    int UpToDate,
    int Failed,
    IReadOnlyList<string> SharedApplied,
    IReadOnlyList<TenantMigrationResultResponse> Results,
    string? Error)
{
    public static MigrationRunResponse From(MigrationRun run)
    {
        var results = run.Results.OrderBy(r => r.Identifier, StringComparer.Ordinal).ToList();
        return new(
            run.Id,
            run.State,
            run.StartedAt,
            run.FinishedAt,
            run.Total,
            results.Count,
            results.Count(r => r.Outcome == TenantMigrationOutcome.Migrated),
            results.Count(r => r.Outcome == TenantMigrationOutcome.UpToDate),
            results.Count(r => r.Outcome == TenantMigrationOutcome.Failed),
            run.SharedApplied,
            [.. results.Select(r => new TenantMigrationResultResponse(r.Identifier, r.Outcome, r.Applied, r.Error, (long)r.Elapsed.TotalMilliseconds))],
            run.Error);
    }
}

/// <summary>
/// Migrations across tenants from the admin API, what <c>tenancy migrate</c> does from the CLI: a run starts in the
/// background (202 with its address) and reports its progress and per-tenant results while it goes.
/// </summary>
public static class MigrationsApi
{
    public const int MaxParallelism = 32;

    public static IEndpointRouteBuilder MapMigrationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/migrations").WithTags("Migrations").RequirePlatform();
        api.MapPost("/", StartMigrationRun).WithName("StartMigrationRun").WithSummary("Migrate the shared registry, then every tenant (or the ones named), in the background");
        api.MapGet("/{id:guid}", GetMigrationRun).WithName("GetMigrationRun").WithSummary("A run's progress and its result per tenant");
        return app;
    }

    public static IServiceCollection AddMigrationRuns(this IServiceCollection services) => services.AddSingleton<MigrationRuns>();

    public static async Task<Results<Accepted<MigrationRunResponse>, ValidationProblem, ProblemHttpResult>> StartMigrationRun(
        StartMigrationRequest? request, TenantMigrationRunner runner, MigrationRuns runs, CancellationToken cancellationToken)
    {
        request ??= new StartMigrationRequest();
        var errors = new Dictionary<string, string[]>();
        if (request.Parallelism is < 1 or > MaxParallelism)
        {
            errors["parallelism"] = [$"From 1 to {MaxParallelism} tenants at a time."];
        }

        var malformed = (request.Tenants ?? []).Select(TenantIdentifier.Validate).OfType<string>().ToList();
        if (malformed.Count > 0)
        {
            errors["tenants"] = [.. malformed];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var identifiers = request.Tenants is { Count: > 0 } named ? named.Distinct(StringComparer.Ordinal).ToList() : null;
        // Checked here, so an unknown tenant is a 404 before anything runs, and the run knows its total.
        var states = await runner.CheckAsync(identifiers, cancellationToken);
        if (runs.Start(states, identifiers, request.Parallelism ?? 4, request.Shared) is not { } run)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A migration run is in progress", detail: "Wait for it to finish, then start another.");
        }

        return TypedResults.Accepted($"/api/migrations/{run.Id}", MigrationRunResponse.From(run));
    }

    public static Results<Ok<MigrationRunResponse>, NotFound> GetMigrationRun(Guid id, MigrationRuns runs) =>
        runs.Find(id) is { } run ? TypedResults.Ok(MigrationRunResponse.From(run)) : TypedResults.NotFound();
}
