namespace Tenancy.Dashboard.Storage;

/// <summary>
/// One data point of one metric stream (a resource, a metric name and a set of attributes). Sums and gauges carry
/// <see cref="Value"/>; histograms carry <see cref="Count"/>, <see cref="Sum"/> and their buckets.
/// </summary>
public sealed record StoredMetricPoint(
    string Resource,
    string Name,
    string Unit,
    MetricKind Kind,
    bool Cumulative,
    DateTimeOffset StartTime,
    DateTimeOffset Time,
    IReadOnlyDictionary<string, string> Attributes,
    double Value,
    ulong Count,
    double Sum,
    IReadOnlyList<double> ExplicitBounds,
    IReadOnlyList<ulong> BucketCounts)
{
    /// <summary>Identifies the stream the point belongs to, for differences between points.</summary>
    /// <remarks>Built when read (request summaries, the points API), not for every point the receiver stores.</remarks>
    public string StreamKey => $"{Resource}|{Name}|{string.Join(',', Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"))}";
}

public enum MetricKind
{
    Gauge,
    Sum,
    Histogram,
}
