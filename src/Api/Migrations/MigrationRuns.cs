using System.Collections.Concurrent;
using Tenancy.Migrations;

namespace Tenancy.Api.Migrations;

public enum MigrationRunState
{
    Running,
    Completed,
    Failed,
}

/// <summary>
/// Migration runs started through the admin API, each on its own task so that the request answers at once and the
/// caller polls for progress. Runs live in this instance's memory (the last <see cref="Kept"/>); the migrations
/// themselves are safe under any number of runners, since <see cref="TenantMigrationRunner"/> locks each tenant.
/// </summary>
public sealed class MigrationRuns(TenantMigrationRunner runner, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<MigrationRuns> logger)
{
    private const int Kept = 20;
    private readonly ConcurrentDictionary<Guid, MigrationRun> _runs = new();
    private readonly Lock _starting = new();

    public MigrationRun? Find(Guid id) => _runs.GetValueOrDefault(id);

    /// <summary>Starts a run over <paramref name="states"/> (already checked, so unknown tenants were refused); null when one is still running.</summary>
    public MigrationRun? Start(IReadOnlyList<TenantMigrationState> states, IReadOnlyCollection<string>? identifiers, int parallelism, bool shared)
    {
        MigrationRun run;
        lock (_starting)
        {
            // One run at a time: a second would only wait on the first one's tenant locks.
            if (_runs.Values.Any(r => r.State == MigrationRunState.Running))
            {
                return null;
            }

            run = new MigrationRun(Guid.CreateVersion7(), clock.GetUtcNow(), states.Count);
            _runs[run.Id] = run;
            foreach (var old in _runs.Values.OrderByDescending(r => r.StartedAt).Skip(Kept))
            {
                _runs.TryRemove(old.Id, out _);
            }
        }

        _ = Task.Run(() => RunAsync(run, identifiers, parallelism, shared, lifetime.ApplicationStopping));
        return run;
    }

    private async Task RunAsync(MigrationRun run, IReadOnlyCollection<string>? identifiers, int parallelism, bool shared, CancellationToken cancellationToken)
    {
        try
        {
            if (shared)
            {
                run.SharedApplied = await runner.MigrateSharedAsync(cancellationToken);
            }

            await runner.MigrateTenantsAsync(identifiers, parallelism, new Progress(run), cancellationToken);
            run.Finish(clock.GetUtcNow(), error: null);
            logger.LogInformation("Migration run {RunId}: {Total} tenants, {Failed} failed", run.Id, run.Total, run.Results.Count(r => r.Outcome == TenantMigrationOutcome.Failed));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Finish(clock.GetUtcNow(), "The Api stopped before the run finished; run it again to do what is left.");
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or Tenancy.Tenants.TenantNotFoundException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Migration run {RunId} stopped", run.Id);
            run.Finish(clock.GetUtcNow(), ex.Message);
        }
    }

    /// <summary>Synchronous on purpose: <see cref="Progress{T}"/> would post results after the run has finished.</summary>
    private sealed class Progress(MigrationRun run) : IProgress<TenantMigrationResult>
    {
        public void Report(TenantMigrationResult value) => run.Add(value);
    }
}

/// <summary>One run's progress: results arrive from several threads as tenants finish.</summary>
public sealed class MigrationRun(Guid id, DateTimeOffset startedAt, int total)
{
    private readonly List<TenantMigrationResult> _results = [];

    public Guid Id { get; } = id;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public int Total { get; private set; } = total;

    public MigrationRunState State { get; private set; } = MigrationRunState.Running;

    public DateTimeOffset? FinishedAt { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<string> SharedApplied { get; set; } = [];

    public IReadOnlyList<TenantMigrationResult> Results
    {
        get
        {
            lock (_results)
            {
                return [.. _results];
            }
        }
    }

    public void Add(TenantMigrationResult result)
    {
        lock (_results)
        {
            _results.Add(result);
            // Tenants created after the count was taken are migrated too.
            Total = Math.Max(Total, _results.Count);
        }
    }

    public void Finish(DateTimeOffset at, string? error)
    {
        lock (_results)
        {
            Error = error;
            FinishedAt = at;
            State = error is null ? MigrationRunState.Completed : MigrationRunState.Failed;
        }
    }
}
