using Microsoft.Extensions.DependencyInjection;
using Tenancy.Dashboard;
using Tenancy.Dashboard.Storage;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>A span as the services exported it, as the dashboard received it.</summary>
public sealed record ExportedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Every span the AppHost's dashboard holds, read from its store (the dashboard runs in the test's process, as part of
/// the AppHost): what the services exported over OTLP, for tests that follow a trace span by span.
/// </summary>
public sealed class DashboardSpans(DashboardResource dashboard)
{
    /// <summary>Waits for a span that <paramref name="match"/> accepts.</summary>
    public async Task<ExportedSpan> WaitForSpanAsync(Func<ExportedSpan, bool> match, TimeSpan timeout, string what) =>
        (await DashboardApi.WaitForAsync(
            () => Task.FromResult(All().FirstOrDefault(match)), span => span is not null, what, (int)timeout.TotalSeconds))!;

    private IEnumerable<ExportedSpan> All()
    {
        var store = dashboard.Services.GetRequiredService<SpanStore>();
        return store.QueryTraces(new TraceQuery(Limit: int.MaxValue))
            .SelectMany(trace => store.GetTrace(trace.TraceId))
            .Select(s => new ExportedSpan(s.Resource, s.TraceId, s.SpanId, s.ParentSpanId ?? "", s.Name, s.Attributes));
    }
}
