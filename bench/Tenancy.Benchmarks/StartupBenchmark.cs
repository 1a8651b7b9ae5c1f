using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tenancy.Benchmarks;

/// <summary>
/// (h) Startup and memory of the whole system as a person starts it: <c>dotnet run --project src/AppHost --no-build</c>
/// on a fresh data folder (the first start runs initdb) and again on the same folder, timed until the Api's /health
/// answers Healthy; 10 s later, the memory of every process of the system: the AppHost, DCP, the dashboard, the
/// services, PostgreSQL's postmaster and backends, Redis and the <c>dotnet run</c> launchers. With <c>--before</c>,
/// another checkout (the stack before a change) is measured the same way, alternated round by round, as the baseline.
/// </summary>
internal static class StartupBenchmark
{
    private const string Name = "(h) startup";
    private const int ApiPort = 5180;
    private const string After = "after";
    private const string Before = "before";

    // The Api's (from its launch profile, or Ports:api for AppHosts that read it) and the dashboard's, fixed by the AppHost.
    private static readonly int[] FixedPorts = [ApiPort, 18888, 18889, 18890, 18891];
    private static readonly Uri Health = new($"http://localhost:{ApiPort}/health");
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);

    private static readonly string[] Components = ["AppHost", "DCP", "dashboard", "Api", "Worker", "PostgreSQL", "Redis", "dotnet run"];

    public static async Task RunAsync(BenchOptions options, ResultTable results, List<string> facts, CancellationToken cancellationToken)
    {
        var checkouts = new List<(string Label, string Root)> { (After, Directory.GetCurrentDirectory()) };
        if (options.Before is { } before)
        {
            checkouts.Insert(0, (Before, Path.GetFullPath(before)));
        }

        foreach (var (label, root) in checkouts)
        {
            if (!File.Exists(Path.Combine(root, "src/AppHost/bin/Debug/net10.0/AppHost.dll")))
            {
                throw new InvalidOperationException($"the {label} AppHost is not built: dotnet build {Path.Combine(root, "src/AppHost")} (bench/run.sh startup does)");
            }
        }

        facts.Add($"startup: {string.Join("; ", checkouts.Select(c => $"{c.Label} = {c.Root} (tree {TreeOf(c.Label)})"))}; each a Debug build, run with dotnet run --no-build");
        Console.WriteLine($"{Name}: dotnet run --project src/AppHost --no-build → GET {Health} Healthy, fresh data folder then the same again; memory after {Idle.TotalSeconds:0} s idle; {options.Rounds} round(s)");

        var starts = checkouts.ToDictionary(c => c.Label, _ => (First: new List<Start>(), Second: new List<Start>()));
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var (label, root) in round % 2 == 0 ? checkouts : Enumerable.Reverse(checkouts))
            {
                var dataDirectory = Path.Combine(Path.GetTempPath(), "tenancy-bench", $"startup-{label}-{Guid.NewGuid().ToString("N")[..8]}");
                try
                {
                    var first = await MeasureAsync(label, root, dataDirectory, cancellationToken);
                    Console.WriteLine($"  round {round + 1}  {label,-6}  first start:  {first}");
                    var second = await MeasureAsync(label, root, dataDirectory, cancellationToken);
                    Console.WriteLine($"  round {round + 1}  {label,-6}  second start: {second}");
                    starts[label].First.Add(first);
                    starts[label].Second.Add(second);
                }
                finally
                {
                    if (Directory.Exists(dataDirectory))
                    {
                        Directory.Delete(dataDirectory, recursive: true);
                    }
                }
            }
        }

        Report(starts, results);
    }

    private static void Report(Dictionary<string, (List<Start> First, List<Start> Second)> starts, ResultTable results)
    {
        var after = starts[After];
        (List<Start> First, List<Start> Second)? before = starts.TryGetValue(Before, out var measured) ? measured : null;

        void Row(string measure, Func<List<Start>, double> metric, Func<double, string> format, bool second)
        {
            var value = metric(second ? after.Second : after.First);
            if (before is { } baselines)
            {
                var baseline = metric(second ? baselines.Second : baselines.First);
                results.Add(Name, measure, format(value), format(baseline) + " before", value / baseline);
            }
            else
            {
                results.Add(Name, measure, format(value), "", null);
            }
        }

        static string Seconds(double seconds) => seconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
        static string MiB(double mib) => mib.ToString("N0", CultureInfo.InvariantCulture) + " MiB";

        Row("first start (fresh data folder, initdb): dotnet run → Api Healthy", s => s.Average(x => x.ToHealthy.TotalSeconds), Seconds, second: false);
        Row("second start (same data folder): dotnet run → Api Healthy", s => s.Average(x => x.ToHealthy.TotalSeconds), Seconds, second: true);
        Row("first start: CPU time of the system's processes until Healthy", s => s.Average(x => x.Cpu.TotalSeconds), Seconds, second: false);
        Row("second start: CPU time of the system's processes until Healthy", s => s.Average(x => x.Cpu.TotalSeconds), Seconds, second: true);
        Row("memory, healthy + 10 s idle (second start): total RSS", s => s.Average(x => x.Processes.Sum(p => p.RssMiB)), MiB, second: true);
        Row("memory, healthy + 10 s idle (second start): total PSS", s => s.Average(x => x.Processes.Sum(p => p.PssMiB)), MiB, second: true);
        Row("memory, healthy + 10 s idle (first start): total RSS", s => s.Average(x => x.Processes.Sum(p => p.RssMiB)), MiB, second: false);
        Row("processes of the system (second start)", s => s.Average(x => x.Processes.Count), n => n.ToString("F0", CultureInfo.InvariantCulture), second: true);
        Row("stop: SIGTERM to the AppHost → every process gone (second start)", s => s.Average(x => x.Stop.TotalSeconds), Seconds, second: true);

        string Rounds(List<Start> list, Func<Start, string> what) => string.Join(", ", list.Select(what));
        foreach (var (label, (first, second)) in starts.OrderBy(s => s.Key == After))
        {
            results.Note($"{Name}: {label}, round by round: first start {Rounds(first, s => Seconds(s.ToHealthy.TotalSeconds))}, second {Rounds(second, s => Seconds(s.ToHealthy.TotalSeconds))}; " +
                $"total RSS after the second start {Rounds(second, s => MiB(s.Processes.Sum(p => p.RssMiB)))}.");
        }

        results.Detail(Breakdown(starts));
    }

    /// <summary>Memory by component after the second start (mean over the rounds), one column pair per checkout.</summary>
    private static string Breakdown(Dictionary<string, (List<Start> First, List<Start> Second)> starts)
    {
        var labels = starts.Keys.OrderBy(l => l == After).ToList();
        var components = Components
            .Concat(starts.Values.SelectMany(s => s.Second).SelectMany(s => s.Processes.Select(p => p.Component).Concat(s.CpuByComponent.Keys)))
            .Distinct().ToList();
        string Cell(string label, string component, Func<SystemProcess, double> metric, string format)
        {
            var runs = starts[label].Second;
            var processes = runs.Select(r => r.Processes.Where(p => p.Component == component).ToList()).ToList();
            return processes.All(p => p.Count == 0)
                ? "–"
                : processes.Average(p => p.Sum(metric)).ToString(format, CultureInfo.InvariantCulture);
        }

        string CpuCell(string label, string component)
        {
            var runs = starts[label].Second;
            return runs.All(r => !r.CpuByComponent.ContainsKey(component))
                ? "–"
                : runs.Average(r => r.CpuByComponent.GetValueOrDefault(component).TotalSeconds).ToString("F1", CultureInfo.InvariantCulture);
        }

        static string Bold(double value, string format) => $"**{value.ToString(format, CultureInfo.InvariantCulture)}**";

        var header = new List<string> { "component" };
        header.AddRange(labels.SelectMany(l => new[] { $"{l}: RSS MiB", $"{l}: PSS MiB", $"{l}: processes", $"{l}: CPU s until Healthy" }));
        var rows = components.Select(c => new List<string> { c }.Concat(labels.SelectMany(l => new[]
        {
            Cell(l, c, p => p.RssMiB, "N0"), Cell(l, c, p => p.PssMiB, "N0"), Cell(l, c, _ => 1, "F0"), CpuCell(l, c),
        })).ToList()).ToList();
        rows.Add(new List<string> { "**total**" }.Concat(labels.SelectMany(l => new[]
        {
            Bold(starts[l].Second.Average(s => s.Processes.Sum(p => p.RssMiB)), "N0"),
            Bold(starts[l].Second.Average(s => s.Processes.Sum(p => p.PssMiB)), "N0"),
            Bold(starts[l].Second.Average(s => s.Processes.Count), "F0"),
            Bold(starts[l].Second.Average(s => s.Cpu.TotalSeconds), "F1"),
        })).ToList());

        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{Name}: by component, second start, mean of the rounds: memory once healthy and idle {Idle.TotalSeconds:0} s (PSS counts shared pages once), CPU time used until the Api was Healthy:")
            .AppendLine()
            .Append("| ").AppendJoin(" | ", header).AppendLine(" |")
            .Append('|').AppendJoin('|', header.Select((_, i) => i == 0 ? "---" : "---:")).AppendLine("|");
        foreach (var row in rows)
        {
            text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return text.ToString();
    }

    /// <summary>One start: <c>dotnet run</c> until Healthy, 10 s idle, the system's processes, then a stop.</summary>
    private static async Task<Start> MeasureAsync(string label, string root, string dataDirectory, CancellationToken cancellationToken)
    {
        EnsurePortsFree(label);
        var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = root };
        // Ports:api for AppHosts that read it (the one before the move to Aspire); the others ignore it.
        foreach (var argument in new[] { "run", "--project", "src/AppHost", "--no-build", "--", $"--AppHost:DataDirectory={dataDirectory}", $"--Ports:api={ApiPort}" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var machineBefore = ProcStatus.MachineBusyTime();
        // This process alone: the system is below it (the launcher), and is counted apart.
        var ownBefore = OwnCpuTime();
        var started = Stopwatch.GetTimestamp();
        using var launcher = WatchedProcess.Start(startInfo);
        var seen = new Dictionary<int, ProcessStat>();
        var stopped = false;
        try
        {
            await launcher.WaitHealthyAsync(Health, StartTimeout, $"the {label} AppHost", cancellationToken);
            var toHealthy = Stopwatch.GetElapsedTime(started);
            var healthy = SystemProcesses(launcher.Process.Id, ProcStatus.Snapshot());
            Remember(seen, healthy);
            // Per component: an exited child's time is its parent's (initdb's, for instance, the AppHost's).
            var cpu = healthy.GroupBy(p => Component(ProcStatus.CommandLine(p.Pid)))
                .ToDictionary(g => g.Key, g => g.Aggregate(TimeSpan.Zero, (total, p) => total + p.CpuTime), StringComparer.Ordinal);
            var foreign = ProcStatus.MachineBusyTime() - machineBefore - cpu.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b) - (OwnCpuTime() - ownBefore);
            OtherLoad.Record(Math.Max(0, foreign / toHealthy));

            await Task.Delay(Idle, cancellationToken);
            var idle = SystemProcesses(launcher.Process.Id, ProcStatus.Snapshot());
            Remember(seen, idle);
            var processes = idle.Select(Describe).OfType<SystemProcess>().ToList();
            var stop = await StopAsync(launcher, idle, processes, cancellationToken);
            stopped = true;
            return new Start(toHealthy, cpu, processes, stop);
        }
        finally
        {
            if (!stopped)
            {
                // Failed or interrupted: nothing of this start may outlive it.
                Remember(seen, SystemProcesses(launcher.Process.Id, ProcStatus.Snapshot()));
                Kill(seen.Values);
            }
        }
    }

    /// <summary>
    /// The processes of the system the launcher started: everything below it, and DCP, which detaches from the
    /// AppHost (its parent is init) but watches it (<c>dcp start-apiserver --monitor {AppHost pid}</c>), with
    /// everything below DCP. Other engineers' DCPs watch other processes, so they are not counted.
    /// </summary>
    private static List<ProcessStat> SystemProcesses(int launcher, Dictionary<int, ProcessStat> snapshot)
    {
        var system = ProcStatus.Tree(launcher, snapshot);
        bool grew;
        do
        {
            grew = false;
            foreach (var pid in snapshot.Keys.Where(p => !system.Contains(p)).ToList())
            {
                var args = ProcStatus.CommandLine(pid);
                var monitor = Array.IndexOf(args, "--monitor");
                if (monitor >= 0 && monitor + 1 < args.Length
                    && int.TryParse(args[monitor + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var watched) && system.Contains(watched))
                {
                    system.UnionWith(ProcStatus.Tree(pid, snapshot));
                    grew = true;
                }
            }
        }
        while (grew);

        return [.. system.Select(pid => snapshot[pid])];
    }

    private static SystemProcess? Describe(ProcessStat process)
    {
        try
        {
            return new SystemProcess(process.Pid, Component(ProcStatus.CommandLine(process.Pid)), ProcStatus.RssMiB(process.Pid), ProcStatus.PssMiB(process.Pid));
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Gone since the snapshot, or a zombie (no memory left to count).
            return null;
        }
    }

    private static string Component(string[] args)
    {
        if (args.Length == 0)
        {
            return "other";
        }

        // Process titles: PostgreSQL's backends rename themselves ("postgres: checkpointer"), redis-server too.
        var program = Path.GetFileName(args[0]);
        if (program.StartsWith("postgres", StringComparison.Ordinal) || args.Skip(1).Any(a => Path.GetFileName(a) == "postgres" && a.Contains('/', StringComparison.Ordinal)))
        {
            return "PostgreSQL";
        }

        if (program.StartsWith("redis-server", StringComparison.Ordinal))
        {
            return "Redis";
        }

        if (program == "dcp")
        {
            return "DCP";
        }

        if (program == "dotnet" && args.Length > 1 && args[1] == "run")
        {
            return "dotnet run";
        }

        // A .NET app runs as its own executable, or as "dotnet App.dll".
        var app = program == "dotnet" ? args.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal)) is { } dll ? Path.GetFileNameWithoutExtension(dll) : "dotnet" : program;
        return app switch
        {
            "Aspire.Dashboard" => "dashboard",
            "AppHost" or "Api" or "Worker" => app,
            _ => $"other ({app})",
        };
    }

    /// <summary>
    /// SIGTERM to the AppHost, as Ctrl+C in a terminal would reach it (dotnet run only relays it), and the time until
    /// every process of the system is gone; what is left after a minute is killed.
    /// </summary>
    private static async Task<TimeSpan> StopAsync(WatchedProcess launcher, List<ProcessStat> system, List<SystemProcess> described, CancellationToken cancellationToken)
    {
        var appHost = described.FirstOrDefault(p => p.Component == "AppHost" && system.Any(s => s.Pid == p.Pid && s.Parent == launcher.Process.Id))?.Pid ?? launcher.Process.Id;
        var started = Stopwatch.GetTimestamp();
        using (var kill = Process.Start("kill", ["-TERM", appHost.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        while (system.Any(IsAlive))
        {
            if (Stopwatch.GetElapsedTime(started) > StopTimeout)
            {
                Console.WriteLine($"  stop: {system.Count(IsAlive)} processes were still running after {StopTimeout.TotalSeconds:0} s; killed");
                Kill(system);
                break;
            }

            await Task.Delay(100, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        await launcher.Process.WaitForExitAsync(cancellationToken);
        return elapsed;
    }

    /// <summary>Still the same process (not a new one that got its id) and not a zombie.</summary>
    private static bool IsAlive(ProcessStat process) =>
        ProcessTree.IsRunning(process.Pid) && ProcStatus.Read(process.Pid) is { } now && now.StartTicks == process.StartTicks;

    private static void Kill(IEnumerable<ProcessStat> processes)
    {
        foreach (var process in processes.Where(IsAlive))
        {
            try
            {
                using var running = Process.GetProcessById(process.Pid);
                running.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile.
            }
        }
    }

    private static TimeSpan OwnCpuTime() => ProcStatus.Ticks(ProcStatus.Read(Environment.ProcessId)?.OwnTicks ?? 0);

    private static void Remember(Dictionary<int, ProcessStat> seen, IEnumerable<ProcessStat> processes)
    {
        foreach (var process in processes)
        {
            seen[process.Pid] = process;
        }
    }

    private static void EnsurePortsFree(string label)
    {
        foreach (var port in FixedPorts)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"port {port} is in use, and the {label} AppHost needs it: stop whatever holds it (ss -ltnp 'sport = :{port}')");
            }
        }
    }

    private static string TreeOf(string label) =>
        Environment.GetEnvironmentVariable(label == Before ? "BENCH_BEFORE_TREE" : "BENCH_TREE") ?? "unknown";

    /// <param name="CpuByComponent">CPU time (user + system) each component had used when the Api became Healthy.</param>
    private sealed record Start(TimeSpan ToHealthy, IReadOnlyDictionary<string, TimeSpan> CpuByComponent, IReadOnlyList<SystemProcess> Processes, TimeSpan Stop)
    {
        public TimeSpan Cpu => CpuByComponent.Values.Aggregate(TimeSpan.Zero, (total, cpu) => total + cpu);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"Healthy after {ToHealthy.TotalSeconds:F1} s (CPU {Cpu.TotalSeconds:F1} s); {Processes.Count} processes, RSS {Processes.Sum(p => p.RssMiB):N0} MiB, PSS {Processes.Sum(p => p.PssMiB):N0} MiB; stopped in {Stop.TotalSeconds:F1} s");
    }

    private sealed record SystemProcess(int Pid, string Component, double RssMiB, double PssMiB);
}
