namespace Tenancy.Dashboard.Storage;

/// <summary>A structured log record as the dashboard keeps and serves it.</summary>
public sealed record StoredLog(
    DateTimeOffset Timestamp,
    string Resource,
    LogSeverity Severity,
    string Category,
    string Message,
    IReadOnlyDictionary<string, string> Attributes,
    string? TraceId,
    string? SpanId)
{
    public string? TenantId => Attributes.GetValueOrDefault(TelemetryAttributes.TenantId);

    public string? TenantIdentifier => Attributes.GetValueOrDefault(TelemetryAttributes.TenantIdentifier);
}

/// <summary>.NET's log levels, mapped from OTLP severity numbers (1–4 trace, 5–8 debug, 9–12 info, ...).</summary>
public enum LogSeverity
{
    Trace,
    Debug,
    Information,
    Warning,
    Error,
    Critical,
}
