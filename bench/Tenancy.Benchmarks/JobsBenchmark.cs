using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Npgsql;
using Tenancy.Context;
using Tenancy.Jobs;
using Tenancy.Tenants;

namespace Tenancy.Benchmarks;

/// <summary>A trivial tenant job: needs a tenant, so it runs through the tenant activator, filters and scope.</summary>
public interface IBenchTenantJob
{
    Task RunAsync(int sequence);
}

/// <summary>The same trivial job as platform work: no tenant carried, none restored.</summary>
[PlatformJob]
public interface IBenchPlatformJob
{
    Task RunAsync(int sequence);
}

internal sealed class BenchJob : IBenchTenantJob, IBenchPlatformJob
{
    public Task RunAsync(int sequence) => Task.CompletedTask;
}

/// <summary>
/// (f) Jobs (issue 5): end-to-end throughput of trivial jobs enqueued while a tenant is current (tenant claim,
/// fairness routing, activator restoring the tenant from the registry, tenant DI scope, telemetry) against the same
/// job marked [PlatformJob], on one Hangfire server in this process (wired as the Worker wires it) over the run's
/// PostgreSQL and Redis, in a Hangfire schema of its own so the system's Worker takes none of them.
/// </summary>
internal static class JobsBenchmark
{
    private const string Name = "(f) jobs";
    private const int JobsPerPhase = 2_000;
    private const int Workers = 10;

    public static async Task RunAsync(BenchSystem system, BenchOptions options, ResultTable results, CancellationToken cancellationToken)
    {
        var schema = "bench_jobs_" + Guid.NewGuid().ToString("N")[..8];
        var cacheConnection = system.CacheConnectionString;
        var identifier = (await system.EnsureBenchTenantsAsync(1, cancellationToken))[0];
        var settings = new Dictionary<string, string?>
        {
            ["Tenancy:Jobs:Schema"] = schema,
            ["Tenancy:Jobs:WorkerCount"] = Workers.ToString(CultureInfo.InvariantCulture),
            // No reserved workers: platform jobs stay on the default queue while a tenant's burst goes to bulk, and
            // the reserved ones take only the default queue; without them both kinds get the same 10 workers.
            ["Tenancy:Jobs:ReservedWorkerCount"] = "0",
        };
        Console.WriteLine($"{Name}: {JobsPerPhase:N0} trivial jobs per phase, {Workers} workers, Hangfire schema {schema}; tenant vs [PlatformJob], {options.Rounds} rounds alternated");
        await using var host = await BenchServices.StartAsync(system, cacheConnection, settings, s =>
        {
            s.AddScoped<IBenchTenantJob, BenchJob>();
            s.AddScoped<IBenchPlatformJob, BenchJob>();
        }, cancellationToken);
        var tenant = await host.TenantAsync(identifier, cancellationToken);

        try
        {
            // Warm-up (JIT, connections, tenant lookup cache), untimed.
            await PhaseAsync(host, schema, tenant, 200, cancellationToken);
            await PhaseAsync(host, schema, null, 200, cancellationToken);

            var tenantTime = TimeSpan.Zero;
            var platformTime = TimeSpan.Zero;
            var perRound = new List<string>();
            for (var round = 0; round < options.Rounds; round++)
            {
                var withTenant = await PhaseAsync(host, schema, tenant, JobsPerPhase, cancellationToken);
                var without = await PhaseAsync(host, schema, null, JobsPerPhase, cancellationToken);
                tenantTime += withTenant;
                platformTime += without;
                perRound.Add((without.TotalSeconds / withTenant.TotalSeconds).ToString("F2", CultureInfo.InvariantCulture));
                Console.WriteLine($"  round {round + 1}: tenant {JobsPerPhase / withTenant.TotalSeconds:N0} jobs/s, platform {JobsPerPhase / without.TotalSeconds:N0} jobs/s");
            }

            var tenantRate = JobsPerPhase * options.Rounds / tenantTime.TotalSeconds;
            var platformRate = JobsPerPhase * options.Rounds / platformTime.TotalSeconds;
            results.Add(Name, $"jobs/s end to end, tenant jobs vs [PlatformJob] ({JobsPerPhase:N0} × {options.Rounds}, {Workers} workers)",
                ResultTable.Number(tenantRate, "jobs/s"), ResultTable.Number(platformRate, "jobs/s"), tenantRate / platformRate);
            results.Note($"(f) jobs: tenant / platform throughput round by round: {string.Join(", ", perRound)}.");
        }
        finally
        {
            await using var drop = system.DataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await host.DisposeAsync();
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Enqueues <paramref name="count"/> jobs (as <paramref name="tenant"/>, or platform jobs when null) and times first enqueue to last Succeeded.</summary>
    private static async Task<TimeSpan> PhaseAsync(BenchServices host, string schema, TenantInfo? tenant, int count, CancellationToken cancellationToken)
    {
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var before = await SucceededAsync(dataSource, schema, cancellationToken);
        var jobs = host.Jobs;
        var started = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, (i, _) =>
        {
            if (tenant is null)
            {
                jobs.Enqueue<IBenchPlatformJob>(job => job.RunAsync(i));
            }
            else
            {
                using var entered = TenantContext.Enter(tenant);
                jobs.Enqueue<IBenchTenantJob>(job => job.RunAsync(i));
            }

            return ValueTask.CompletedTask;
        });

        while (await SucceededAsync(dataSource, schema, cancellationToken) - before < count)
        {
            if (started.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"{count} jobs did not all succeed within 3 minutes; jobs by state: {await StatesAsync(dataSource, schema, cancellationToken)}");
            }

            await Task.Delay(20, cancellationToken);
        }

        return started.Elapsed;
    }

    /// <summary>"Succeeded 3998, Enqueued 2, …": where the jobs are when a phase does not finish, to tell a stall from slowness.</summary>
    private static async Task<string> StatesAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT coalesce(statename, '(none)'), count(*) FROM {schema}.job GROUP BY 1 ORDER BY 2 DESC");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var states = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add($"{reader.GetString(0)} {reader.GetInt64(1)}");
        }

        return string.Join(", ", states);
    }

    private static async Task<long> SucceededAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {schema}.job WHERE statename = 'Succeeded'");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
