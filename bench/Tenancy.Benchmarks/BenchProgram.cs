using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Tenancy.Benchmarks;

/// <summary>
/// Runs the "core tenancy" benchmarks against the real system and prints every headline number next to a baseline
/// measured in the same run.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"bench: {ex.Message}{Environment.NewLine}{BenchOptions.Usage}");
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext signal)
        {
            // Stop the load and tear the system down (PostgreSQL, Redis, Api, Worker, baseline) instead of dying.
            signal.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var loadAverage = string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        var results = new ResultTable();
        var started = Stopwatch.GetTimestamp();
        var facts = MachineFacts(loadAverage);
        foreach (var fact in facts)
        {
            Console.WriteLine($"  {fact}");
        }

        try
        {
            // Before the system below starts: the startup benchmark runs whole AppHosts on their fixed ports itself.
            if (options.Runs("startup"))
            {
                await TimedAsync("startup", () => StartupBenchmark.RunAsync(options, results, facts, stop.Token));
            }

            if (options.Benchmarks.Any(b => BenchOptions.BenchmarkNames.Contains(b, StringComparer.Ordinal)))
            {
                await RunOnSystemAsync(options, results, facts, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("bench: interrupted; partial results follow");
            Print(results, options, facts, started);
            return 130;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The system is torn down by then (await using); say what broke, and show what was measured before it.
            await Console.Error.WriteLineAsync($"bench: failed: {ex}");
            Print(results, options, facts, started);
            return 1;
        }

        Print(results, options, facts, started);
        return 0;
    }

    /// <summary>The benchmarks that run against one system started through Aspire.Hosting.Testing, torn down at the end.</summary>
    private static async Task RunOnSystemAsync(BenchOptions options, ResultTable results, List<string> facts, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine($"bench: starting the system (Projects.AppHost through Aspire.Hosting.Testing) for: {string.Join(", ", options.Benchmarks.Where(b => BenchOptions.BenchmarkNames.Contains(b, StringComparer.Ordinal)))}");
        await using var system = await BenchSystem.StartAsync(cancellationToken);
        var fact = await SystemFactAsync(system, cancellationToken);
        facts.Add(fact);
        Console.WriteLine($"  {fact}");

        await using var overhead = new OverheadBenchmark(system, options);
        // Provisioning first: it times new tenants bt-0001.., which the others create (untimed) when missing.
        if (options.Runs("provisioning"))
        {
            await TimedAsync("provisioning", () => ProvisioningBenchmark.RunAsync(system, options, results, cancellationToken));
        }

        if (options.Runs("migrations"))
        {
            await TimedAsync("migrations", () => MigrationBenchmark.RunAsync(system, options, results, cancellationToken));
        }

        if (options.Runs("cache"))
        {
            await TimedAsync("cache", () => CacheBenchmark.RunAsync(system, results, cancellationToken));
        }

        if (options.Runs("jobs"))
        {
            await TimedAsync("jobs", () => JobsBenchmark.RunAsync(system, options, results, cancellationToken));
        }

        if (options.Runs("fairness"))
        {
            await TimedAsync("fairness", () => FairnessBenchmark.RunAsync(system, options, results, cancellationToken));
        }

        if (options.Runs("scale"))
        {
            await TimedAsync("scale, as served", () => ScaleBenchmark.RunAsync(system, options, results, cacheBypassed: false, cancellationToken));
        }

        if (options.Runs("overhead"))
        {
            await TimedAsync("overhead, as served", () => overhead.RunServedAsync(cancellationToken));
        }

        if (options.Runs("overhead") || options.Runs("scale") || options.Runs("tiers"))
        {
            Console.WriteLine();
            Console.WriteLine("bench: stopping Redis; from here on the Api bypasses its tenant cache and every read reaches PostgreSQL");
            await system.StopCacheServerAsync(cancellationToken);
            if (options.Runs("overhead"))
            {
                await TimedAsync("overhead, query path", () => overhead.RunQueryPathAsync(results, cancellationToken));
            }

            if (options.Runs("scale"))
            {
                await TimedAsync("scale, query path", () => ScaleBenchmark.RunAsync(system, options, results, cacheBypassed: true, cancellationToken));
            }

            if (options.Runs("tiers"))
            {
                await TimedAsync("tiers, query path", () => TiersBenchmark.RunAsync(system, options, results, cancellationToken));
            }
        }

        Console.WriteLine();
        Console.WriteLine("bench: stopping the system");
    }

    private static async Task TimedAsync(string name, Func<Task> benchmark)
    {
        var started = Stopwatch.GetTimestamp();
        Console.WriteLine();
        await benchmark();
        Console.WriteLine($"  ({name} took {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s)");
    }

    private static void Print(ResultTable results, BenchOptions options, IReadOnlyList<string> facts, long started)
    {
        if (OtherLoad.Describe() is { } otherLoad)
        {
            facts = [.. facts, otherLoad];
        }

        var command = "bench/run.sh" + (options.Arguments.Count > 0 ? " " + string.Join(' ', options.Arguments) : "");
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Results ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, `{command}`, {Stopwatch.GetElapsedTime(started).TotalMinutes:F1} min in all)")
            .AppendLine()
            .AppendJoin(Environment.NewLine, facts.Select(f => "- " + f))
            .AppendLine()
            .AppendLine()
            .Append(results.ToMarkdown())
            .ToString();
        Console.WriteLine();
        Console.WriteLine(report);
        if (options.OutputFile is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            File.WriteAllText(file, report);
            Console.WriteLine($"bench: results written to {file}");
        }
    }

    private static List<string> MachineFacts(string loadAverage)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKib = long.Parse(
            File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))["MemTotal:".Length..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);
        return
        [
            $"machine: {Environment.ProcessorCount} cores ({cpu}), {memKib / 1024.0 / 1024.0:F0} GiB RAM, {RuntimeInformation.OSDescription}",
            $"tree: {Environment.GetEnvironmentVariable("BENCH_TREE") ?? "unknown"} (git commit measured; bench/run.sh sets BENCH_TREE)",
            $"load average when the run started (1/5/15 min): {loadAverage} (other sessions may share this machine)",
            $".NET {Environment.Version}; all on 127.0.0.1, load generator in the same machine",
        ];
    }

    private static async Task<string> SystemFactAsync(BenchSystem system, CancellationToken cancellationToken)
    {
        await using var version = system.DataSource.CreateCommand("SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')");
        await using var reader = await version.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return $"system: Release build; PostgreSQL {reader.GetString(0)} (fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}: AppHost:Ephemeral, a throwaway cluster), Redis";
    }
}
