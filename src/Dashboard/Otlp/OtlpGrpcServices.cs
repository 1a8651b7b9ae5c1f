using Grpc.Core;
using Tenancy.Dashboard.Otlp.Collector.Logs;
using Tenancy.Dashboard.Otlp.Collector.Metrics;
using Tenancy.Dashboard.Otlp.Collector.Trace;

namespace Tenancy.Dashboard.Otlp;

/// <summary>OTLP/gRPC: the endpoint services get in OTEL_EXPORTER_OTLP_ENDPOINT, as with Aspire's dashboard.</summary>
internal sealed class OtlpTraceService(OtlpIngest ingest) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingest.Export(request));
}

internal sealed class OtlpLogsService(OtlpIngest ingest) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingest.Export(request));
}

internal sealed class OtlpMetricsService(OtlpIngest ingest) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingest.Export(request));
}
