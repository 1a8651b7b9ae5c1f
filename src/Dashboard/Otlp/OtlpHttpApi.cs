using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Tenancy.Dashboard.Otlp.Collector.Logs;
using Tenancy.Dashboard.Otlp.Collector.Metrics;
using Tenancy.Dashboard.Otlp.Collector.Trace;

namespace Tenancy.Dashboard.Otlp;

/// <summary>OTLP/HTTP with protobuf bodies (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>) on the dashboard's HTTP endpoint.</summary>
internal static class OtlpHttpApi
{
    private const string Protobuf = "application/x-protobuf";

    public static IEndpointRouteBuilder MapOtlpHttpApi(this IEndpointRouteBuilder endpoints)
    {
        var otlp = endpoints.MapGroup("/v1").DisableAntiforgery();
        otlp.MapPost("/traces", (HttpRequest request, OtlpIngest ingest, CancellationToken cancellationToken) =>
            ExportAsync(request, ExportTraceServiceRequest.Parser, ingest.Export, cancellationToken));
        otlp.MapPost("/logs", (HttpRequest request, OtlpIngest ingest, CancellationToken cancellationToken) =>
            ExportAsync(request, ExportLogsServiceRequest.Parser, ingest.Export, cancellationToken));
        otlp.MapPost("/metrics", (HttpRequest request, OtlpIngest ingest, CancellationToken cancellationToken) =>
            ExportAsync(request, ExportMetricsServiceRequest.Parser, ingest.Export, cancellationToken));
        return endpoints;
    }

    private static async Task<IResult> ExportAsync<TRequest, TResponse>(
        HttpRequest request, MessageParser<TRequest> parser, Func<TRequest, TResponse> export, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !string.Equals(contentType.MediaType.Value, Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported OTLP encoding",
                detail: $"this receiver takes OTLP/HTTP with '{Protobuf}' bodies, or OTLP/gRPC on its gRPC endpoint");
        }

        // Protobuf parses synchronously; Kestrel allows no synchronous reads, so buffer the body first.
        using var body = new MemoryStream();
        // Exporters configured with OTEL_EXPORTER_OTLP_COMPRESSION=gzip compress the body.
        var gzip = string.Equals(request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
        await using (var gunzip = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : null)
        {
            try
            {
                await (gunzip ?? request.Body).CopyToAsync(body, cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed gzip body", detail: ex.Message);
            }
        }

        TRequest message;
        try
        {
            message = parser.ParseFrom(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (InvalidProtocolBufferException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed OTLP request", detail: ex.Message);
        }

        return Results.Bytes(export(message).ToByteArray(), Protobuf);
    }
}
