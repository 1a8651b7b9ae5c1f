using Microsoft.Extensions.Options;

namespace Tenancy.Dashboard.Storage;

/// <summary>The last <see cref="DashboardOptions.MaxLogs"/> structured log records.</summary>
public sealed class LogStore(IOptions<DashboardOptions> options)
{
    private readonly SynchronizedRing<StoredLog> _logs = new(options.Value.MaxLogs);

    public int Count => _logs.Count;

    public void Add(IEnumerable<StoredLog> logs) => _logs.Add(logs);

    /// <summary>Newest first.</summary>
    public IReadOnlyList<StoredLog> Query(LogQuery query) =>
        _logs.Read(logs => logs.Where(query.Matches).Take(query.Limit).ToList());
}

/// <param name="MinSeverity">This level and above.</param>
/// <param name="Text">Case-insensitive, in the message or the category.</param>
public sealed record LogQuery(string? Tenant = null, string? Resource = null, LogSeverity MinSeverity = LogSeverity.Trace, string? Text = null, string? TraceId = null, int Limit = 500)
{
    internal bool Matches(StoredLog log) =>
        (Tenant is null || log.TenantIdentifier == Tenant || log.TenantId == Tenant)
        && (Resource is null || log.Resource == Resource)
        && log.Severity >= MinSeverity
        && (TraceId is null || log.TraceId == TraceId)
        && (Text is null
            || log.Message.Contains(Text, StringComparison.OrdinalIgnoreCase)
            || log.Category.Contains(Text, StringComparison.OrdinalIgnoreCase));
}
