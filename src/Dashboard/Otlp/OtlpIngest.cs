using Microsoft.Extensions.Options;
using Tenancy.Dashboard.Otlp.Collector.Logs;
using Tenancy.Dashboard.Otlp.Collector.Metrics;
using Tenancy.Dashboard.Otlp.Collector.Trace;
using Tenancy.Dashboard.Storage;

namespace Tenancy.Dashboard.Otlp;

/// <summary>What both OTLP transports (gRPC and HTTP/protobuf) do with an export request.</summary>
internal sealed class OtlpIngest(SpanStore spans, LogStore logs, MetricStore metrics, IOptions<DashboardOptions> options)
{
    private readonly OtlpConverter _converter = new(options.Value.MaxAttributes);

    public ExportTraceServiceResponse Export(ExportTraceServiceRequest request)
    {
        spans.Add(_converter.Spans(request.ResourceSpans));
        return new ExportTraceServiceResponse();
    }

    public ExportLogsServiceResponse Export(ExportLogsServiceRequest request)
    {
        logs.Add(_converter.Logs(request.ResourceLogs));
        return new ExportLogsServiceResponse();
    }

    public ExportMetricsServiceResponse Export(ExportMetricsServiceRequest request)
    {
        metrics.Add(_converter.MetricPoints(request.ResourceMetrics));
        return new ExportMetricsServiceResponse();
    }
}
