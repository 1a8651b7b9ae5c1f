using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tenancy.Dashboard.Storage;

namespace Tenancy.Dashboard.Api;

public sealed record TraceView(string TraceId, IReadOnlyList<StoredSpan> Spans);

public sealed record FacetsView(IReadOnlyList<string> Resources, IReadOnlyList<string> Tenants);

public sealed record StoreCountsView(int Spans, int Traces, int Logs, int MetricPoints);

/// <summary>What the dashboard holds, for the pages and for scripts (like the Aspire dashboard's telemetry API).</summary>
internal static class TelemetryApi
{
    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");

        api.MapGet("/traces", (SpanStore spans, string? tenant, string? resource, double? minDurationMs, bool? errorsOnly, int? limit) =>
            spans.QueryTraces(new TraceQuery(Blank(tenant), Blank(resource), minDurationMs ?? 0, errorsOnly ?? false, Math.Clamp(limit ?? 200, 1, 1000))));

        api.MapGet("/traces/{traceId}", (string traceId, SpanStore spans) =>
            spans.GetTrace(traceId.ToLowerInvariant()) is { Count: > 0 } trace
                ? Results.Ok(new TraceView(traceId, trace))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown trace", detail: $"no spans of trace '{traceId}' are held (unknown, or aged out of the buffer)"));

        api.MapGet("/logs", (LogStore logs, string? tenant, string? resource, string? level, string? text, string? traceId, int? limit) =>
        {
            var minSeverity = LogSeverity.Trace;
            if (Blank(level) is { } name && !Enum.TryParse(name, ignoreCase: true, out minSeverity))
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Unknown log level",
                    detail: $"level must be one of {string.Join(", ", Enum.GetNames<LogSeverity>())}");
            }

            return Results.Ok(logs.Query(new LogQuery(Blank(tenant), Blank(resource), minSeverity, Blank(text), Blank(traceId), Math.Clamp(limit ?? 500, 1, 5000))));
        });

        api.MapGet("/metrics", (MetricStore metrics) => metrics.Names());
        api.MapGet("/metrics/points", (MetricStore metrics, string name, string? resource, int? limit) =>
            metrics.Points(name, Blank(resource)).Take(Math.Clamp(limit ?? 500, 1, 5000)));
        api.MapGet("/metrics/requests", (MetricStore metrics, int? windowSeconds) =>
            RequestMetrics.Summarize(metrics.Points(RequestMetrics.RequestDuration), TimeSpan.FromSeconds(Math.Clamp(windowSeconds ?? 60, 5, 3600))));

        api.MapGet("/facets", (SpanStore spans) =>
        {
            var (resources, tenants) = spans.Facets();
            return new FacetsView(resources, tenants);
        });
        api.MapGet("/counts", (SpanStore spans, LogStore logs, MetricStore metrics) =>
            new StoreCountsView(spans.Count, spans.TraceCount, logs.Count, metrics.Count));
        return endpoints;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
