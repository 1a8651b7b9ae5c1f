using Npgsql;

namespace Tenancy.Benchmarks;

/// <summary>
/// How many PostgreSQL transactions one request costs (each statement outside a transaction is one): requests sent
/// one at a time, with nothing else running, against the server's own counters (pg_stat_database).
/// </summary>
internal static class PostgresTransactions
{
    private const int Requests = 200;

    // A PostgreSQL 15 backend reports its counters at the end of a transaction at most once a second, and once idle
    // after 10 s: waiting that long after the last request makes every backend's share visible.
    private static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(11);

    public static async Task<double> PerRequestAsync(LoadConfiguration configuration, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        // The system's own background work (the Worker's job polling, health checks) runs meanwhile: its rate,
        // measured idle just before, is taken off.
        await Task.Delay(FlushDelay, cancellationToken);
        var start = await CountAsync(dataSource, cancellationToken);
        var idle = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(FlushDelay, cancellationToken);
        var beforeLoad = await CountAsync(dataSource, cancellationToken);
        // Each of this method's reads is a transaction of its own.
        var idlePerSecond = (beforeLoad - start - 1) / idle.Elapsed.TotalSeconds;

        var window = System.Diagnostics.Stopwatch.StartNew();
        var load = await LoadGenerator.RunAsync(configuration.Label, configuration.Client, configuration.Request, workers: 1, TimeSpan.FromMinutes(2), Requests, cancellationToken);
        await Task.Delay(FlushDelay, cancellationToken);
        var afterLoad = await CountAsync(dataSource, cancellationToken);
        var background = idlePerSecond * window.Elapsed.TotalSeconds;
        return Math.Max(0, afterLoad - beforeLoad - 1 - background) / Math.Max(1, load.Requests);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT sum(xact_commit + xact_rollback)::bigint FROM pg_stat_database");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
