using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Tenancy.Provisioning;

namespace Tenancy.Benchmarks;

/// <summary>
/// (b) Provisioning: N new tenants, one after another, through <see cref="TenantProvisioner"/> in this process,
/// each followed by the baseline, a bare <c>CREATE SCHEMA x; CREATE TABLE x.t(id int)</c> round trip on the same pool.
/// </summary>
internal static class ProvisioningBenchmark
{
    private const string Name = "(b) provisioning";
    private const int WarmupCount = 10;
    private const int ThroughApiCount = 100;

    public static async Task RunAsync(BenchSystem system, BenchOptions options, ResultTable results, CancellationToken cancellationToken)
    {
        var count = options.Tenants;
        Console.WriteLine($"{Name}: {count} tenants, sequential, TenantProvisioner in-process; each followed by a bare CREATE SCHEMA + CREATE TABLE");
        var provisioner = system.Services.GetRequiredService<TenantProvisioner>();

        async Task<long> ProvisionAsync(string identifier)
        {
            var started = Stopwatch.GetTimestamp();
            await provisioner.ProvisionAsync(new NewTenant(identifier, "Bench " + identifier), cancellationToken);
            return Stopwatch.GetTimestamp() - started;
        }

        async Task<long> BareAsync(string schema)
        {
            var started = Stopwatch.GetTimestamp();
            await using (var connection = await system.DataSource.OpenConnectionAsync(cancellationToken))
            await using (var command = new NpgsqlCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.t(id int)", connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return Stopwatch.GetTimestamp() - started;
        }

        for (var i = 1; i <= WarmupCount; i++)
        {
            await ProvisionAsync($"bw-{i:D2}");
            await BareAsync($"bare_w{i:D2}");
        }

        var provisioning = new long[count];
        var bare = new long[count];
        var wall = Stopwatch.StartNew();
        for (var i = 1; i <= count; i++)
        {
            provisioning[i - 1] = await ProvisionAsync(BenchSystem.BenchTenant(i));
            bare[i - 1] = await BareAsync($"bare_{i:D4}");
            if (i % 250 == 0)
            {
                Console.WriteLine($"  {i} tenants provisioned ({wall.Elapsed.TotalSeconds:F1} s)");
            }
        }

        // The admin API's cost on top (HTTP, validation, the Api's process): a smaller sample, for reference.
        var throughApi = new long[ThroughApiCount];
        for (var i = 1; i <= ThroughApiCount; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await system.CreateTenantThroughApiAsync($"ba-{i:D3}", $"Bench ba-{i:D3}", "standard", cancellationToken);
            throughApi[i - 1] = Stopwatch.GetTimestamp() - started;
        }

        // Not part of any measurement: the bare schemas would only weigh on the catalogue for what follows.
        await DropBareSchemasAsync(system, [.. Enumerable.Range(1, WarmupCount).Select(i => $"bare_w{i:D2}"), .. Enumerable.Range(1, count).Select(i => $"bare_{i:D4}")], cancellationToken);

        var p = new Percentiles(provisioning);
        var b = new Percentiles(bare);
        var api = new Percentiles(throughApi);
        Console.WriteLine($"  provisioning  p50 {p.Ms(50):F2} ms  p95 {p.Ms(95):F2} ms  p99 {p.Ms(99):F2} ms  max {p.Ms(100):F2} ms  mean {p.MeanMs:F2} ms");
        Console.WriteLine($"  bare schema   p50 {b.Ms(50):F2} ms  p95 {b.Ms(95):F2} ms  p99 {b.Ms(99):F2} ms  max {b.Ms(100):F2} ms  mean {b.MeanMs:F2} ms");
        Console.WriteLine($"  admin API     p50 {api.Ms(50):F2} ms  p95 {api.Ms(95):F2} ms  ({ThroughApiCount} tenants, POST /api/tenants)");

        results.Add(Name, $"p50 latency, {count} tenants (in-process)", ResultTable.Ms(p.Ms(50)), ResultTable.Ms(b.Ms(50)) + " bare", p.Ms(50) / b.Ms(50));
        results.Add(Name, $"p95 latency, {count} tenants (in-process)", ResultTable.Ms(p.Ms(95)), ResultTable.Ms(b.Ms(95)) + " bare", p.Ms(95) / b.Ms(95), "p95 ≤ 50 ms", p.Ms(95) <= 50);
        results.Add(Name, "tenants per minute (sequential)", PerMinute(p.MeanMs), PerMinute(b.MeanMs) + " bare", p.MeanMs / b.MeanMs);
        results.Add(Name, $"reference: p95 through POST /api/tenants ({ThroughApiCount})", ResultTable.Ms(api.Ms(95)), ResultTable.Ms(p.Ms(95)) + " in-process", api.Ms(95) / p.Ms(95));
    }

    private static string PerMinute(double meanMs) => (60_000 / meanMs).ToString("N0", CultureInfo.InvariantCulture) + "/min";

    private static async Task DropBareSchemasAsync(BenchSystem system, IReadOnlyList<string> schemas, CancellationToken cancellationToken)
    {
        foreach (var chunk in schemas.Chunk(100))
        {
            await using var drop = system.DataSource.CreateCommand($"DROP SCHEMA {string.Join(", ", chunk)} CASCADE");
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

/// <summary>Nearest-rank percentiles of Stopwatch tick durations.</summary>
internal sealed class Percentiles
{
    private readonly long[] _sorted;

    public Percentiles(IEnumerable<long> ticks)
    {
        _sorted = [.. ticks];
        Array.Sort(_sorted);
    }

    public double MeanMs => _sorted.Average() * 1000.0 / Stopwatch.Frequency;

    public double Ms(double percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
