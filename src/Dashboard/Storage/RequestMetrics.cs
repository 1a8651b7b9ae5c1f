namespace Tenancy.Dashboard.Storage;

/// <summary>Request rate, errors and latency over a recent window, by resource and tenant tier.</summary>
public sealed record RequestMetricsRow(string Resource, string Tier, long Requests, long Errors, double RequestsPerSecond, double MeanMs, double P95Ms);

/// <summary>
/// Reads ASP.NET Core's <c>http.server.request.duration</c> histogram: the difference between the newest point of each
/// stream and its point from the start of the window (cumulative temporality, the OTLP exporter's default), or the
/// sum of the window's points (delta temporality).
/// </summary>
public static class RequestMetrics
{
    public const string RequestDuration = "http.server.request.duration";
    private const string NoTier = "(platform)";

    public static IReadOnlyList<RequestMetricsRow> Summarize(IReadOnlyList<StoredMetricPoint> newestFirst, TimeSpan window)
    {
        var deltas = newestFirst
            .Where(p => p.Name == RequestDuration && p.Kind == MetricKind.Histogram)
            .GroupBy(p => p.StreamKey)
            .Select(stream => Delta([.. stream], window))
            .OfType<StoredMetricPoint>();

        return [.. deltas
            .GroupBy(p => (p.Resource, Tier: p.Attributes.GetValueOrDefault(TelemetryAttributes.TenantTier) ?? NoTier))
            .Select(group =>
            {
                var requests = (long)group.Sum(p => (double)p.Count);
                var errors = (long)group.Where(IsError).Sum(p => (double)p.Count);
                var seconds = group.First().Unit == "ms" ? 0.001 : 1;
                var sum = group.Sum(p => p.Sum);
                return new RequestMetricsRow(
                    group.Key.Resource,
                    group.Key.Tier,
                    requests,
                    errors,
                    requests / window.TotalSeconds,
                    requests == 0 ? 0 : sum / requests * seconds * 1000,
                    Percentile([.. group], 0.95) * seconds * 1000);
            })
            .OrderBy(r => r.Resource, StringComparer.Ordinal)
            .ThenBy(r => r.Tier, StringComparer.Ordinal)];
    }

    private static bool IsError(StoredMetricPoint point) =>
        point.Attributes.ContainsKey("error.type")
        || (int.TryParse(point.Attributes.GetValueOrDefault("http.response.status_code"), out var status) && status >= 500);

    /// <summary>What the stream counted during the window, as one point; null when nothing was counted.</summary>
    private static StoredMetricPoint? Delta(List<StoredMetricPoint> newestFirst, TimeSpan window)
    {
        var newest = newestFirst[0];
        var from = newest.Time - window;
        if (!newest.Cumulative)
        {
            var inWindow = newestFirst.Where(p => p.Time > from).ToList();
            return inWindow.Count == 0 ? null : newest with
            {
                Count = (ulong)inWindow.Sum(p => (double)p.Count),
                Sum = inWindow.Sum(p => p.Sum),
                BucketCounts = [.. Enumerable.Range(0, newest.BucketCounts.Count).Select(i => (ulong)inWindow.Sum(p => (double)p.BucketCounts.ElementAtOrDefault(i)))],
            };
        }

        // The newest point at or before the window's start; a stream that began inside the window counts from zero.
        var baseline = newestFirst.FirstOrDefault(p => p.Time <= from && p.StartTime == newest.StartTime);
        if (baseline is null)
        {
            if (newest.StartTime >= from)
            {
                return newest;
            }

            // Points from before the window have aged out: count from the oldest one kept.
            var oldest = newestFirst[^1];
            return ReferenceEquals(oldest, newest) ? null : Subtract(newest, oldest);
        }

        return Subtract(newest, baseline);
    }

    private static StoredMetricPoint? Subtract(StoredMetricPoint newer, StoredMetricPoint older) =>
        newer.Count <= older.Count ? null : newer with
        {
            Count = newer.Count - older.Count,
            Sum = newer.Sum - older.Sum,
            BucketCounts = [.. newer.BucketCounts.Select((c, i) => c - older.BucketCounts.ElementAtOrDefault(i))],
        };

    /// <summary>The upper bound of the bucket where the quantile falls (the last finite bound for the overflow bucket).</summary>
    private static double Percentile(List<StoredMetricPoint> points, double quantile)
    {
        var bounds = points.MaxBy(p => p.ExplicitBounds.Count)!.ExplicitBounds;
        var buckets = new double[bounds.Count + 1];
        foreach (var point in points.Where(p => p.ExplicitBounds.SequenceEqual(bounds)))
        {
            for (var i = 0; i < Math.Min(buckets.Length, point.BucketCounts.Count); i++)
            {
                buckets[i] += point.BucketCounts[i];
            }
        }

        var total = buckets.Sum();
        if (total == 0 || bounds.Count == 0)
        {
            return 0;
        }

        var seen = 0d;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= quantile * total)
            {
                return bounds[Math.Min(i, bounds.Count - 1)];
            }
        }

        return bounds[^1];
    }
}
