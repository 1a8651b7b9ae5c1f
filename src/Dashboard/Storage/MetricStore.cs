using Microsoft.Extensions.Options;

namespace Tenancy.Dashboard.Storage;

/// <summary>The last <see cref="DashboardOptions.MaxMetricPoints"/> metric data points.</summary>
public sealed class MetricStore(IOptions<DashboardOptions> options)
{
    private readonly SynchronizedRing<StoredMetricPoint> _points = new(options.Value.MaxMetricPoints);

    public int Count => _points.Count;

    public void Add(IEnumerable<StoredMetricPoint> points) => _points.Add(points);

    /// <summary>Newest first.</summary>
    public IReadOnlyList<StoredMetricPoint> Points(string? name = null, string? resource = null) =>
        _points.Read(points => points.Where(p => (name is null || p.Name == name) && (resource is null || p.Resource == resource)).ToList());

    /// <summary>The metric names each resource reports.</summary>
    public IReadOnlyList<MetricName> Names() =>
        _points.Read(points => points.Select(p => new MetricName(p.Resource, p.Name, p.Unit, p.Kind)).Distinct()
            .OrderBy(n => n.Resource, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal).ToList());
}

public sealed record MetricName(string Resource, string Name, string Unit, MetricKind Kind);
