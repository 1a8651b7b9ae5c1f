using System.Diagnostics;
using System.Net;

namespace Tenancy.Benchmarks;

/// <summary>The latencies of every successful request of one or more load phases.</summary>
internal sealed class LoadResult
{
    private readonly long[] _sortedTicks;

    public LoadResult(string label, TimeSpan elapsed, long[] latencyTicks, int errors, string? firstError)
    {
        Label = label;
        Elapsed = elapsed;
        Errors = errors;
        FirstError = firstError;
        _sortedTicks = latencyTicks;
        Array.Sort(_sortedTicks);
    }

    public string Label { get; }

    public TimeSpan Elapsed { get; }

    public int Requests => _sortedTicks.Length;

    public int Errors { get; }

    public string? FirstError { get; }

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public double P50Ms => PercentileMs(50);

    public double P99Ms => PercentileMs(99);

    /// <summary>Nearest-rank percentile, in milliseconds.</summary>
    public double PercentileMs(double percentile)
    {
        if (_sortedTicks.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * _sortedTicks.Length);
        return _sortedTicks[Math.Clamp(rank - 1, 0, _sortedTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>Several phases of one configuration as one: requests over total time, percentiles over all latencies.</summary>
    public static LoadResult Combine(string label, IReadOnlyCollection<LoadResult> phases) => new(
        label,
        TimeSpan.FromTicks(phases.Sum(p => p.Elapsed.Ticks)),
        [.. phases.SelectMany(p => p._sortedTicks)],
        phases.Sum(p => p.Errors),
        phases.Select(p => p.FirstError).FirstOrDefault(e => e is not null));

    public override string ToString() =>
        $"{Label,-28} {RequestsPerSecond,9:F0} req/s  p50 {P50Ms,7:F2} ms  p99 {P99Ms,7:F2} ms  ({Requests} requests in {Elapsed.TotalSeconds:F1} s{(Errors > 0 ? $", {Errors} ERRORS: {FirstError}" : "")})";
}

/// <summary>
/// A closed-loop HTTP load generator: <c>workers</c> tasks, each with its own keep-alive connection, send the next
/// request as soon as the previous answer is read, until a fixed duration or request count is reached.
/// </summary>
internal static class LoadGenerator
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>An HttpClient whose connection pool holds exactly one connection per worker, to 127.0.0.1 only.</summary>
    public static HttpClient CreateClient(Uri baseAddress, int workers)
    {
        if (!IPAddress.TryParse(baseAddress.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"load goes to loopback addresses only, not {baseAddress.Host}", nameof(baseAddress));
        }

        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = workers,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = RequestTimeout };
    }

    /// <param name="request">Builds request number n (0, 1, 2, ... across all workers).</param>
    /// <param name="duration">The phase ends at this time...</param>
    /// <param name="maxRequests">...or after this many requests, whichever comes first.</param>
    public static async Task<LoadResult> RunAsync(
        string label,
        HttpClient client,
        Func<long, HttpRequestMessage> request,
        int workers,
        TimeSpan duration,
        long maxRequests = long.MaxValue,
        CancellationToken cancellationToken = default)
    {
        var next = -1L;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task<(List<long> Latencies, int Errors, string? FirstError)> Worker()
        {
            var latencies = new List<long>(1 << 14);
            var errors = 0;
            string? firstError = null;
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                if (n >= maxRequests)
                {
                    break;
                }

                using var message = request(n);
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    var received = Stopwatch.GetTimestamp();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        latencies.Add(received - sent);
                    }
                    else
                    {
                        errors++;
                        firstError ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    errors++;
                    firstError ??= ex.Message;
                }
            }

            return (latencies, errors, firstError);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Worker, cancellationToken)));
        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new LoadResult(
            label,
            elapsed,
            [.. results.SelectMany(r => r.Latencies)],
            results.Sum(r => r.Errors),
            results.Select(r => r.FirstError).FirstOrDefault(e => e is not null));
    }
}
