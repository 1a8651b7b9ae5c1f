using Microsoft.Extensions.Options;

namespace Tenancy.Dashboard.Storage;

/// <summary>The last <see cref="DashboardOptions.MaxMetricPoints"/> metric data points.</summary>
public sealed class MetricStore(IOptions<DashboardOptions> options)
{
    private readonly RingBuffer<StoredMetricPoint> _points = new(options.Value.MaxMetricPoints);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _points.Count;
            }
        }
    }

    public void Add(IEnumerable<StoredMetricPoint> points)
    {
        lock (_lock)
        {
            foreach (var point in points)
            {
                _points.Add(point);
            }
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<StoredMetricPoint> Points(string? name = null, string? resource = null)
    {
        lock (_lock)
        {
            return [.. _points.NewestFirst().Where(p => (name is null || p.Name == name) && (resource is null || p.Resource == resource))];
        }
    }

    /// <summary>The metric names each resource reports.</summary>
    public IReadOnlyList<MetricName> Names()
    {
        lock (_lock)
        {
            return [.. _points.NewestFirst().Select(p => new MetricName(p.Resource, p.Name, p.Unit, p.Kind)).Distinct()
                .OrderBy(n => n.Resource, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)];
        }
    }
}

public sealed record MetricName(string Resource, string Name, string Unit, MetricKind Kind);
