namespace Tenancy.Dashboard.Storage;

/// <summary>A span as the dashboard keeps and serves it.</summary>
public sealed record StoredSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Resource,
    string Scope,
    DateTimeOffset Start,
    double DurationMs,
    bool IsError,
    string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<StoredSpanEvent> Events)
{
    public string? TenantId => Attributes.GetValueOrDefault(TelemetryAttributes.TenantId);

    public string? TenantIdentifier => Attributes.GetValueOrDefault(TelemetryAttributes.TenantIdentifier);

    public DateTimeOffset End => Start.AddMilliseconds(DurationMs);
}

public sealed record StoredSpanEvent(string Name, DateTimeOffset Time, IReadOnlyDictionary<string, string> Attributes);

/// <summary>One trace in the traces list.</summary>
public sealed record TraceSummary(
    string TraceId,
    string Name,
    string Resource,
    DateTimeOffset Start,
    double DurationMs,
    int SpanCount,
    bool HasError,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> Tenants);
