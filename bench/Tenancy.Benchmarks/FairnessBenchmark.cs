using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Tenancy.Benchmarks;

/// <summary>
/// (i) Noisy neighbour (issue 18): one tenant's p99 for GET /api/locations alone, and while another tenant floods the
/// same Api at 10× its request limit (paced, open loop: the flood does not slow down when it is refused), phases
/// alternated in the same run. The ratio is flooded p99 / alone p99; the goal is at most 1.2.
/// </summary>
internal static class FairnessBenchmark
{
    private const string Name = "(i) fairness";
    private const int FlooderLimit = 500;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private const int FloodFactor = 10;
    private const int MaxOutstanding = 256;

    public static async Task RunAsync(BenchSystem system, BenchOptions options, ResultTable results, CancellationToken cancellationToken)
    {
        var identifiers = await system.EnsureBenchTenantsAsync(2, cancellationToken);
        var (victim, flooder) = (identifiers[0], identifiers[1]);
        // The victim is never limited itself (its own 429s would hide its latency); the flooder gets a small limit.
        await SetLimitAsync(system, victim, 1_000_000, cancellationToken);
        await SetLimitAsync(system, flooder, FlooderLimit, cancellationToken);
        var floodPerSecond = FloodFactor * FlooderLimit / Window.TotalSeconds;
        Console.WriteLine($"{Name}: {victim} with {options.Concurrency} workers, alone and while {flooder} sends {floodPerSecond:F0} requests/s (10× its limit of {FlooderLimit} per {Window.TotalSeconds:F0} s)");

        using var client = LoadGenerator.CreateClient(system.ApiBaseAddress, options.Concurrency);
        using var floodClient = LoadGenerator.CreateClient(system.ApiBaseAddress, MaxOutstanding);
        HttpRequestMessage Victim(long _) => Locations(victim);
        var warm = await LoadGenerator.RunAsync("warm-up", client, Victim, options.Concurrency, options.Warmup, cancellationToken: cancellationToken);
        Console.WriteLine($"  warm-up  {warm}");

        var alone = new List<LoadResult>();
        var flooded = new List<LoadResult>();
        var flood = new FloodCounts();
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var withFlood in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                using var stopFlood = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var flooding = withFlood ? FloodAsync(floodClient, flooder, floodPerSecond, flood, stopFlood.Token) : Task.CompletedTask;
                var phase = await LoadGenerator.RunAsync(withFlood ? "flooded" : "alone", client, Victim, options.Concurrency, options.Duration, cancellationToken: cancellationToken);
                await stopFlood.CancelAsync();
                await flooding;
                Console.WriteLine($"  round {round + 1} {phase}");
                (withFlood ? flooded : alone).Add(phase);
            }
        }

        var aloneAll = LoadResult.Combine("alone", alone);
        var floodedAll = LoadResult.Combine("flooded", flooded);
        if (aloneAll.Errors > 0 || floodedAll.Errors > 0)
        {
            throw new InvalidOperationException($"the victim got errors: alone {aloneAll.Errors} ({aloneAll.FirstError}), flooded {floodedAll.Errors} ({floodedAll.FirstError})");
        }

        var ratio = floodedAll.P99Ms / aloneAll.P99Ms;
        results.Add(Name, $"victim p99 while another tenant floods at {FloodFactor}× its limit", ResultTable.Ms(floodedAll.P99Ms), ResultTable.Ms(aloneAll.P99Ms) + " alone", ratio, "≤ 1.2", ratio <= 1.2, goalIsRatio: true);
        results.Add(Name, "victim p50, same phases", ResultTable.Ms(floodedAll.P50Ms), ResultTable.Ms(aloneAll.P50Ms) + " alone", floodedAll.P50Ms / aloneAll.P50Ms);
        var floodSeconds = options.Rounds * options.Duration.TotalSeconds;
        results.Add(Name, "flooder: answered 200 / 429 (its limit admits ≈ limit per window)",
            string.Create(CultureInfo.InvariantCulture, $"{flood.Ok:N0} / {flood.Refused:N0}"),
            string.Create(CultureInfo.InvariantCulture, $"≤ {FlooderLimit * Math.Ceiling(floodSeconds / Window.TotalSeconds + options.Rounds):N0} admissible"),
            null);
        if (flood.Other > 0)
        {
            results.Note($"{Name}: the flooder got {flood.Other} answers other than 200 and 429 (first: {flood.FirstOther})");
        }
    }

    private static async Task SetLimitAsync(BenchSystem system, string tenant, int requestsPerWindow, CancellationToken cancellationToken)
    {
        using var response = await system.Platform.PutAsJsonAsync($"/api/tenants/{tenant}/limits", new { requestsPerWindow, maxDataBytes = (long?)null }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"PUT /api/tenants/{tenant}/limits: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static HttpRequestMessage Locations(string tenant)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/locations");
        request.Headers.Host = tenant + ".localhost";
        request.Headers.Authorization = BenchAuth.Bearer(tenant);
        return request;
    }

    /// <summary>Sends <paramref name="perSecond"/> requests a second on a fixed schedule, whatever the answers, until stopped.</summary>
    private static async Task FloodAsync(HttpClient client, string tenant, double perSecond, FloodCounts counts, CancellationToken stop)
    {
        using var outstanding = new SemaphoreSlim(MaxOutstanding);
        var started = Stopwatch.GetTimestamp();
        var sent = 0L;
        var inFlight = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * perSecond);
            for (; sent < due; sent++)
            {
                // At the cap the schedule slips: the flood is as fast as the Api answers it.
                if (!await outstanding.WaitAsync(0, CancellationToken.None))
                {
                    break;
                }

                inFlight.Add(SendAsync());
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            try
            {
                await Task.Delay(10, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(inFlight);

        async Task SendAsync()
        {
            try
            {
                using var response = await client.SendAsync(Locations(tenant), HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                counts.Record(response.StatusCode);
            }
            catch (HttpRequestException ex)
            {
                counts.Record(null, ex.Message);
            }
            finally
            {
                outstanding.Release();
            }
        }
    }

    private sealed class FloodCounts
    {
        private long _ok;
        private long _refused;
        private long _other;

        public long Ok => Interlocked.Read(ref _ok);

        public long Refused => Interlocked.Read(ref _refused);

        public long Other => Interlocked.Read(ref _other);

        public string? FirstOther { get; private set; }

        public void Record(HttpStatusCode? status, string? error = null)
        {
            switch (status)
            {
                case HttpStatusCode.OK:
                    Interlocked.Increment(ref _ok);
                    break;
                case HttpStatusCode.TooManyRequests:
                    Interlocked.Increment(ref _refused);
                    break;
                default:
                    Interlocked.Increment(ref _other);
                    FirstOther ??= status is { } code ? ((int)code).ToString(CultureInfo.InvariantCulture) : error;
                    break;
            }
        }
    }
}
