using Microsoft.Extensions.Options;

namespace Tenancy.Dashboard.Storage;

/// <summary>The last <see cref="DashboardOptions.MaxSpans"/> spans, indexed by trace so lists and waterfalls need no scan of every span.</summary>
public sealed class SpanStore(IOptions<DashboardOptions> options)
{
    private readonly RingBuffer<StoredSpan> _spans = new(options.Value.MaxSpans);
    private readonly Dictionary<string, List<StoredSpan>> _traces = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _spans.Count;
            }
        }
    }

    public int TraceCount
    {
        get
        {
            lock (_lock)
            {
                return _traces.Count;
            }
        }
    }

    public void Add(IEnumerable<StoredSpan> spans)
    {
        lock (_lock)
        {
            foreach (var span in spans)
            {
                if (_spans.Add(span) is { } evicted && _traces.TryGetValue(evicted.TraceId, out var ofEvicted))
                {
                    ofEvicted.Remove(evicted);
                    if (ofEvicted.Count == 0)
                    {
                        _traces.Remove(evicted.TraceId);
                    }
                }

                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    _traces[span.TraceId] = trace = [];
                }

                trace.Add(span);
            }
        }
    }

    /// <summary>The spans of one trace, in start order; empty when the trace is unknown or has aged out.</summary>
    public IReadOnlyList<StoredSpan> GetTrace(string traceId)
    {
        lock (_lock)
        {
            return _traces.TryGetValue(traceId, out var spans) ? [.. spans.OrderBy(s => s.Start)] : [];
        }
    }

    public IReadOnlyList<TraceSummary> QueryTraces(TraceQuery query)
    {
        List<List<StoredSpan>> candidates;
        lock (_lock)
        {
            candidates = [.. _traces.Values.Where(spans => query.Matches(spans)).Select(spans => spans.ToList())];
        }

        return [.. candidates.Select(Summarize).Where(t => t.DurationMs >= query.MinDurationMs).OrderByDescending(t => t.Start).Take(query.Limit)];
    }

    /// <summary>Every resource and tenant seen in the stored spans, for the filters.</summary>
    public (IReadOnlyList<string> Resources, IReadOnlyList<string> Tenants) Facets()
    {
        lock (_lock)
        {
            var spans = _traces.Values.SelectMany(t => t);
            return (
                [.. spans.Select(s => s.Resource).Distinct().Order(StringComparer.Ordinal)],
                [.. spans.Select(s => s.TenantIdentifier).OfType<string>().Distinct().Order(StringComparer.Ordinal)]);
        }
    }

    private static TraceSummary Summarize(List<StoredSpan> spans)
    {
        var spanIds = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        // The root is the span whose parent is not here (the caller's span lives outside the system).
        var root = spans.Where(s => s.ParentSpanId is null || !spanIds.Contains(s.ParentSpanId)).MinBy(s => s.Start) ?? spans[0];
        var start = spans.Min(s => s.Start);
        var end = spans.Max(s => s.End);
        return new TraceSummary(
            root.TraceId,
            root.Name,
            root.Resource,
            start,
            (end - start).TotalMilliseconds,
            spans.Count,
            spans.Any(s => s.IsError),
            [.. spans.Select(s => s.Resource).Distinct().Order(StringComparer.Ordinal)],
            [.. spans.Select(s => s.TenantIdentifier).OfType<string>().Distinct().Order(StringComparer.Ordinal)]);
    }
}

/// <param name="Tenant">A tenant's identifier or id: traces with at least one span of that tenant.</param>
/// <param name="Resource">Traces with at least one span from that resource (service.name).</param>
public sealed record TraceQuery(string? Tenant = null, string? Resource = null, double MinDurationMs = 0, bool ErrorsOnly = false, int Limit = 200)
{
    internal bool Matches(List<StoredSpan> spans) =>
        (Tenant is null || spans.Exists(s => s.TenantIdentifier == Tenant || s.TenantId == Tenant))
        && (Resource is null || spans.Exists(s => s.Resource == Resource))
        && (!ErrorsOnly || spans.Exists(s => s.IsError));
}
