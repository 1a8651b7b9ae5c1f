namespace Tenancy.Benchmarks;

/// <summary>One configuration of a load comparison: what to send, where, and which process serves it.</summary>
internal sealed record LoadConfiguration(string Label, HttpClient Client, Func<long, HttpRequestMessage> Request, int ServerPid);

/// <summary>A configuration's phases combined, with the CPU time its server and PostgreSQL spent per request.</summary>
internal sealed record Measured(LoadResult Load, double ServerCpuUs, double PostgresCpuUs)
{
    /// <summary>Each measured phase on its own, in round order (for the spread between rounds).</summary>
    public IReadOnlyList<LoadResult> Rounds { get; init; } = [];

    public override string ToString() => $"{Load}  CPU/request: server {ServerCpuUs:F0} µs, PostgreSQL {PostgresCpuUs:F0} µs";
}

/// <summary>
/// Runs configurations against each other: a warm-up each, then fixed-length phases alternated round by round
/// (the order reversed every other round, so drift in the machine, caches or JIT hits all alike).
/// </summary>
internal static class Alternation
{
    public static async Task<IReadOnlyDictionary<string, Measured>> RunAsync(
        IReadOnlyList<LoadConfiguration> configurations,
        BenchOptions options,
        int postgresPid,
        CancellationToken cancellationToken)
    {
        foreach (var configuration in configurations)
        {
            var warm = await LoadGenerator.RunAsync(configuration.Label, configuration.Client, configuration.Request, options.Concurrency, options.Warmup, cancellationToken: cancellationToken);
            Console.WriteLine($"  warm-up  {warm}");
        }

        var phases = configurations.ToDictionary(c => c.Label, _ => new List<LoadResult>());
        var serverCpu = configurations.ToDictionary(c => c.Label, _ => TimeSpan.Zero);
        var postgresCpu = configurations.ToDictionary(c => c.Label, _ => TimeSpan.Zero);
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var configuration in round % 2 == 0 ? configurations : configurations.Reverse())
            {
                var (phase, server, postgres) = await MeasureAsync(configuration, options, postgresPid, cancellationToken);
                serverCpu[configuration.Label] += server;
                postgresCpu[configuration.Label] += postgres;
                phases[configuration.Label].Add(phase);
                Console.WriteLine($"  round {round + 1}  {new Measured(phase, PerRequestUs(server, phase), PerRequestUs(postgres, phase))}");
            }
        }

        var totals = new Dictionary<string, Measured>(StringComparer.Ordinal);
        foreach (var configuration in configurations)
        {
            var total = LoadResult.Combine(configuration.Label, phases[configuration.Label]);
            totals[configuration.Label] = new Measured(total, PerRequestUs(serverCpu[configuration.Label], total), PerRequestUs(postgresCpu[configuration.Label], total))
            {
                Rounds = phases[configuration.Label],
            };
            Console.WriteLine($"  total    {totals[configuration.Label]}");
        }

        return totals;
    }

    /// <summary>
    /// One phase, with the CPU time (user + system) its server process and PostgreSQL's processes used meanwhile, and
    /// how much CPU processes outside this run (other sessions on the machine) took at the same time.
    /// </summary>
    public static async Task<(LoadResult Phase, TimeSpan ServerCpu, TimeSpan PostgresCpu)> MeasureAsync(
        LoadConfiguration configuration, BenchOptions options, int postgresPid, CancellationToken cancellationToken)
    {
        var serverBefore = ProcStatus.TreeCpuTime(configuration.ServerPid);
        var postgresBefore = ProcStatus.TreeCpuTime(postgresPid);
        var machineBefore = ProcStatus.MachineBusyTime();
        var ownBefore = ProcStatus.TreeCpuTime(Environment.ProcessId);
        var phase = await LoadGenerator.RunAsync(configuration.Label, configuration.Client, configuration.Request, options.Concurrency, options.Duration, cancellationToken: cancellationToken);
        var foreign = (ProcStatus.MachineBusyTime() - machineBefore) - (ProcStatus.TreeCpuTime(Environment.ProcessId) - ownBefore);
        OtherLoad.Record(Math.Max(0, foreign / phase.Elapsed));
        return (phase, ProcStatus.TreeCpuTime(configuration.ServerPid) - serverBefore, ProcStatus.TreeCpuTime(postgresPid) - postgresBefore);
    }

    /// <summary>The ratio of <paramref name="value"/> to <paramref name="baseline"/> round by round, e.g. "0.81, 0.86, 0.79".</summary>
    public static string RoundRatios(Measured value, Measured baseline, Func<LoadResult, double> metric) =>
        string.Join(", ", value.Rounds.Zip(baseline.Rounds, (v, b) => ResultTable.FormatRatio(metric(v) / metric(b))));

    public static double PerRequestUs(TimeSpan cpu, LoadResult phase) => cpu.TotalMicroseconds / Math.Max(1, phase.Requests);
}

/// <summary>CPU taken by processes outside this run (in cores) during the measured phases: the machine's noise.</summary>
internal static class OtherLoad
{
    private static readonly List<double> Cores = [];

    public static void Record(double cores)
    {
        lock (Cores)
        {
            Cores.Add(cores);
        }
    }

    public static string? Describe()
    {
        lock (Cores)
        {
            return Cores.Count == 0
                ? null
                : $"CPU used by processes outside this run during the {Cores.Count} measured phases (load phases, starts until healthy): mean {Cores.Average():F2}, max {Cores.Max():F2} cores of {Environment.ProcessorCount}";
        }
    }
}
