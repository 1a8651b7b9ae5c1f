using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Tenancy.Benchmarks;

/// <summary>
/// (d) Scale: p99 of GET /api/products and the Api's RSS with requests spread round-robin over 10 tenants (the
/// baseline) and over N tenants, each with the same products; phases alternate 10, N, 10, N. Run once as served
/// (tenant cache on) and once more on the query path (Redis stopped, every request reaches the tenant's schema).
/// </summary>
internal static class ScaleBenchmark
{
    private const string Name = "(d) scale";
    private const int FewTenants = 10;

    public static async Task RunAsync(BenchSystem system, BenchOptions options, ResultTable results, bool cacheBypassed, CancellationToken cancellationToken)
    {
        var mode = cacheBypassed ? "query path" : "as served";
        var all = await system.EnsureBenchTenantsAsync(options.Tenants, cancellationToken);
        var few = all.Take(FewTenants).ToList();
        Console.WriteLine($"{Name}, {mode}: GET /api/products round-robin over {few.Count} vs {all.Count} tenants, {options.Concurrency} workers, {options.Rounds} x {options.Duration.TotalSeconds:0} s each");
        if (!cacheBypassed)
        {
            await system.SeedProductsAsync(all, cancellationToken);
        }

        using var client = LoadGenerator.CreateClient(system.ApiBaseAddress, options.Concurrency);
        foreach (var identifier in new[] { all[0], all[^1] })
        {
            using var response = await client.SendAsync(BenchSystem.ProductsRequest(identifier), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var json = response.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(body) : null;
            if (json?.RootElement.GetProperty("count").GetInt64() != BenchSystem.ProductsPerTenant)
            {
                throw new InvalidOperationException($"{identifier}: GET /api/products answered {(int)response.StatusCode} {body}");
            }
        }

        LoadConfiguration Spread(IReadOnlyList<string> tenants) =>
            new($"{tenants.Count} tenants", client, n => BenchSystem.ProductsRequest(tenants[(int)(n % tenants.Count)]), system.ApiProcessId);
        var fewTenants = Spread(few);
        var allTenants = Spread(all);
        var rssBefore = system.ApiRssMiB();

        var warm = await LoadGenerator.RunAsync(fewTenants.Label, client, fewTenants.Request, options.Concurrency, options.Warmup, cancellationToken: cancellationToken);
        Console.WriteLine($"  warm-up  {warm}");
        var fewPhases = new List<(LoadResult Phase, TimeSpan Server, TimeSpan Postgres)>();
        var allPhases = new List<(LoadResult Phase, TimeSpan Server, TimeSpan Postgres)>();
        double rssFew = 0, rssAll = 0;
        for (var round = 0; round < options.Rounds; round++)
        {
            var measured = await Alternation.MeasureAsync(fewTenants, options, system.PostgresProcessId, cancellationToken);
            fewPhases.Add(measured);
            var rss = system.ApiRssMiB();
            rssFew = round == 0 ? rss : rssFew;
            Console.WriteLine($"  round {round + 1}  {Describe(measured)}  api RSS {rss:F0} MiB");

            if (round == 0)
            {
                // Before the first measured phase: as served, every tenant seen three times (resolution and its
                // cache entry in place); on the query path, every tenant twice per connection, so each PostgreSQL
                // backend has loaded every schema's catalogue entries. Bounded by count and by time.
                var warmRequests = cacheBypassed ? 2L * all.Count * options.Concurrency : 3L * all.Count;
                warm = await LoadGenerator.RunAsync(allTenants.Label, client, allTenants.Request, options.Concurrency, TimeSpan.FromSeconds(60), warmRequests, cancellationToken);
                Console.WriteLine($"  warm-up  {warm}");
            }

            measured = await Alternation.MeasureAsync(allTenants, options, system.PostgresProcessId, cancellationToken);
            allPhases.Add(measured);
            rssAll = system.ApiRssMiB();
            Console.WriteLine($"  round {round + 1}  {Describe(measured)}  api RSS {rssAll:F0} MiB");
        }

        var fewTotal = Total(fewTenants.Label, fewPhases);
        var allTotal = Total(allTenants.Label, allPhases);
        Console.WriteLine($"  total    {fewTotal}");
        Console.WriteLine($"  total    {allTotal}");
        Console.WriteLine($"  api RSS: {rssBefore:F0} MiB before, {rssFew:F0} MiB after the first {few.Count}-tenant phase, {rssAll:F0} MiB after the last {all.Count}-tenant phase");

        var p99Ratio = allTotal.Load.P99Ms / fewTotal.Load.P99Ms;
        var vs = $"{all.Count} vs {few.Count} tenants";
        results.Add(Name, $"{mode}: p99 latency, {vs}", ResultTable.Ms(allTotal.Load.P99Ms), ResultTable.Ms(fewTotal.Load.P99Ms), p99Ratio, "≤ 1.2", p99Ratio <= 1.2, goalIsRatio: true);
        results.Add(Name, $"{mode}: p50 latency, {vs}", ResultTable.Ms(allTotal.Load.P50Ms), ResultTable.Ms(fewTotal.Load.P50Ms), allTotal.Load.P50Ms / fewTotal.Load.P50Ms);
        results.Add(Name, $"{mode}: throughput, {vs}", Rps(allTotal.Load), Rps(fewTotal.Load), allTotal.Load.RequestsPerSecond / fewTotal.Load.RequestsPerSecond);
        results.Note($"{Name} ({mode}): p99 ratio round by round: {string.Join(", ", allPhases.Zip(fewPhases, (a, f) => ResultTable.FormatRatio(a.Phase.P99Ms / f.Phase.P99Ms)))}.");
        if (cacheBypassed)
        {
            results.Add(Name, $"{mode}: PostgreSQL CPU per request, {vs}", Us(allTotal.PostgresCpuUs), Us(fewTotal.PostgresCpuUs), allTotal.PostgresCpuUs / fewTotal.PostgresCpuUs);
        }
        else
        {
            // Only the first pass says something about memory: the second starts with every tenant already seen.
            var rssRatio = rssAll / rssFew;
            results.Add(Name, $"{mode}: Api RSS (VmRSS), {vs}", Mib(rssAll), Mib(rssFew), rssRatio, "flat (≤ 1.10)", rssRatio <= 1.10, goalIsRatio: true);
        }

        if (fewTotal.Load.Errors + allTotal.Load.Errors > 0)
        {
            results.Note($"{Name} ({mode}): {fewTotal.Load.Errors + allTotal.Load.Errors} requests failed: {fewTotal.Load.FirstError ?? allTotal.Load.FirstError}");
        }
    }

    private static string Describe((LoadResult Phase, TimeSpan Server, TimeSpan Postgres) measured) =>
        new Measured(measured.Phase, Alternation.PerRequestUs(measured.Server, measured.Phase), Alternation.PerRequestUs(measured.Postgres, measured.Phase)).ToString();

    private static Measured Total(string label, List<(LoadResult Phase, TimeSpan Server, TimeSpan Postgres)> phases)
    {
        var load = LoadResult.Combine(label, [.. phases.Select(p => p.Phase)]);
        return new Measured(
            load,
            Alternation.PerRequestUs(TimeSpan.FromTicks(phases.Sum(p => p.Server.Ticks)), load),
            Alternation.PerRequestUs(TimeSpan.FromTicks(phases.Sum(p => p.Postgres.Ticks)), load));
    }

    private static string Rps(LoadResult result) => result.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture) + " req/s";

    private static string Us(double microseconds) => microseconds.ToString("N0", CultureInfo.InvariantCulture) + " µs";

    private static string Mib(double mib) => mib.ToString("F0", CultureInfo.InvariantCulture) + " MiB";
}
