using System.Globalization;

namespace Tenancy.Benchmarks;

/// <summary>Command line of the runner: which benchmarks, and the few knobs that bound how long they run.</summary>
internal sealed class BenchOptions
{
    /// <summary>The benchmarks on one running system: the default, and what "all" means.</summary>
    public static readonly string[] BenchmarkNames = ["overhead", "provisioning", "migrations", "scale", "cache", "jobs", "tiers", "fairness"];

    /// <summary>Only when named: they run whole AppHosts themselves, on the AppHost's fixed ports.</summary>
    public static readonly string[] SeparateBenchmarkNames = ["startup"];

    public bool Runs(string benchmark) => Benchmarks.Contains(benchmark, StringComparer.Ordinal);

    public const string Usage = """
        usage: bench/run.sh [all | overhead | provisioning | migrations | scale | cache | jobs | tiers | fairness | startup ...] [options]

          overhead      (a) GET /api/products on a tenant host vs a plain single-schema app (bench/Baseline)
          provisioning  (b) 1,000 new tenants, sequential, through TenantProvisioner in-process
          migrations    (c) one new migration over 1,000 tenant schemas (parallelism 4 and 8), and a no-op check
          scale         (d) p99 and the Api's RSS with requests spread over 10 vs 1,000 tenants
          cache         (e) tenant cache: L2 hit latency vs a raw Redis GET; purging 100,000 vs 100 keys
          jobs          (f) trivial jobs per second, tenant jobs vs [PlatformJob], in-process Hangfire server
          tiers         (g) GET /api/products per isolation tier (query path); 200 database tenants vs the connection cap
          fairness      (i) one tenant's p99 alone vs while another floods at 10× its request limit (needs Redis: runs before it stops)
          startup       (h) dotnet run --project src/AppHost --no-build until the Api is Healthy (fresh data folder, then
                        the same folder again), and the memory of all the system's processes 10 s later; not part of
                        "all": it needs the AppHost's own ports (5180, 18888-18891) free

        They run in the order provisioning, migrations, cache, jobs, fairness, scale, overhead (the later ones reuse the tenants
        provisioning created); then Redis is stopped, so the Api bypasses its tenant cache, and overhead and scale
        are measured once more on the query path, and tiers runs there.

        options:
          --duration <s>     length of each measured load phase (default 10)
          --warmup <s>       warm-up load per configuration before measuring (default 5)
          --rounds <n>       measured phases per configuration, alternated (default 2)
          --concurrency <n>  concurrent HTTP workers, one connection each (default 8)
          --tenants <n>      tenants for provisioning, migrations and scale (default 1000)
          --before <dir>     startup: also measure this other checkout (built in Debug, e.g. one made with
                             git worktree add) the same way, alternated, as the baseline
          --out <file>       also write the results table (markdown) to this file
        """;

    public List<string> Benchmarks { get; } = [];

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(5);

    public int Rounds { get; private set; } = 2;

    public int Concurrency { get; private set; } = 8;

    public int Tenants { get; private set; } = 1000;

    public string? OutputFile { get; private set; }

    /// <summary>Another checkout whose AppHost the startup benchmark measures as the baseline.</summary>
    public string? Before { get; private set; }

    public bool Help { get; private set; }

    /// <summary>The arguments as a person typed them to bench/run.sh (without the --out that run.sh adds).</summary>
    public IReadOnlyList<string> Arguments { get; private set; } = [];

    /// <exception cref="ArgumentException">An unknown benchmark or option, or a value out of range.</exception>
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        var typed = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            int Number(int min, int max) =>
                int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{arg} takes a whole number from {min} to {max}");

            var first = i;
            switch (arg)
            {
                case "-h" or "--help":
                    options.Help = true;
                    break;
                case "--duration":
                    options.Duration = TimeSpan.FromSeconds(Number(1, 120));
                    break;
                case "--warmup":
                    options.Warmup = TimeSpan.FromSeconds(Number(0, 60));
                    break;
                case "--rounds":
                    options.Rounds = Number(1, 10);
                    break;
                case "--concurrency":
                    options.Concurrency = Number(1, 256);
                    break;
                case "--tenants":
                    options.Tenants = Number(10, 10_000);
                    break;
                case "--out":
                    options.OutputFile = Value();
                    break;
                case "--before":
                    options.Before = Value();
                    break;
                case "all":
                    options.Benchmarks.AddRange(BenchmarkNames);
                    break;
                default:
                    if (!BenchmarkNames.Contains(arg, StringComparer.Ordinal) && !SeparateBenchmarkNames.Contains(arg, StringComparer.Ordinal))
                    {
                        throw new ArgumentException($"unknown benchmark or option '{arg}'");
                    }

                    options.Benchmarks.Add(arg);
                    break;
            }

            if (arg != "--out")
            {
                typed.AddRange(args[first..(i + 1)]);
            }
        }

        options.Arguments = typed;

        if (options.Benchmarks.Count == 0)
        {
            options.Benchmarks.AddRange(BenchmarkNames);
        }

        var selected = options.Benchmarks.Distinct(StringComparer.Ordinal).ToList();
        options.Benchmarks.Clear();
        options.Benchmarks.AddRange(BenchmarkNames.Concat(SeparateBenchmarkNames).Where(selected.Contains));
        return options;
    }
}
