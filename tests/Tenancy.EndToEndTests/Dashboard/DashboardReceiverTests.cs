using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Tenancy.Dashboard.Otlp.Collector.Logs;
using Tenancy.Dashboard.Otlp.Collector.Trace;
using Tenancy.Dashboard.Otlp.Common;
using Tenancy.Dashboard.Otlp.Logs;
using Tenancy.Dashboard.Otlp.Trace;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>The OTLP receiver: both transports carry every signal, and a bad request is refused with a problem.</summary>
[Collection(DashboardAppHostCollection.Name)]
public sealed class DashboardReceiverTests(DashboardAppHostFixture system)
{
    [Fact]
    public async Task Logs_traces_and_metrics_arrive_from_the_Api_over_gRPC_and_from_the_Worker_over_HTTP()
    {
        foreach (var resource in new[] { "api", "worker" })
        {
            await DashboardApi.WaitForAsync(
                () => system.Telemetry.GetAsync($"/api/logs?resource={resource}&limit=1"), l => l.GetArrayLength() == 1, $"a log record of {resource}");
            await DashboardApi.WaitForAsync(
                () => system.Telemetry.TracesAsync($"resource={resource}&limit=1"), t => t.Count == 1, $"a trace of {resource}");
            await DashboardApi.WaitForAsync(
                async () => (await system.Telemetry.GetAsync("/api/metrics")).EnumerateArray().ToList(),
                names => names.Exists(n => n.GetProperty("resource").GetString() == resource),
                $"a metric of {resource}");
        }

        Assert.Equal("http/protobuf", system.App.GetResource("worker").EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.False(system.App.GetResource("api").EnvironmentVariables.ContainsKey("OTEL_EXPORTER_OTLP_PROTOCOL"));
    }

    [Fact]
    public async Task A_span_and_a_log_posted_as_OTLP_HTTP_protobuf_are_served_back_with_their_tenant()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var tenant = TenancyClient.NewIdentifier("otlp");
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(ActivitySpanId.CreateRandom().ToHexString())),
            Name = "hand-made",
            Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
            EndTimeUnixNano = ((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 12) * 1_000_000,
            Status = new Status { Code = Status.Types.StatusCode.Error, Message = "it broke" },
            Attributes = { Text("tenant.identifier", tenant) },
        };
        var log = new LogRecord
        {
            TimeUnixNano = span.StartTimeUnixNano,
            SeverityNumber = SeverityNumber.Warn,
            Body = new AnyValue { StringValue = $"a warning for {tenant}" },
            TraceId = span.TraceId,
            Attributes = { Text("tenant.identifier", tenant) },
        };
        var resource = new Tenancy.Dashboard.Otlp.Resource.Resource { Attributes = { Text("service.name", "script") } };

        await PostAsync("/v1/traces", new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { new ScopeSpans { Spans = { span } } } } } });
        await PostAsync("/v1/logs", new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = resource, ScopeLogs = { new ScopeLogs { LogRecords = { log } } } } } });

        var trace = Assert.Single(await system.Telemetry.TracesAsync($"tenant={tenant}&errorsOnly=true&minDurationMs=10"));
        Assert.Equal((traceId, "script", true), (trace.GetProperty("traceId").GetString(), trace.GetProperty("resource").GetString(), trace.GetProperty("hasError").GetBoolean()));
        Assert.Empty(await system.Telemetry.TracesAsync($"tenant={tenant}&minDurationMs=1000"));
        var stored = Assert.Single(await system.Telemetry.TraceAsync(traceId));
        Assert.Equal("it broke", stored.GetProperty("statusMessage").GetString());
        var logs = (await system.Telemetry.GetAsync($"/api/logs?tenant={tenant}&level=Warning&text=WARNING")).EnumerateArray().ToList();
        Assert.Equal(traceId, Assert.Single(logs).GetProperty("traceId").GetString());
        Assert.Empty((await system.Telemetry.GetAsync($"/api/logs?tenant={tenant}&level=Error")).EnumerateArray());
    }

    [Fact]
    public async Task A_truncated_protobuf_body_is_a_problem_and_stores_none_of_its_spans()
    {
        // A valid request with one span of a fresh tenant, then a field that claims more bytes than follow.
        var tenant = TenancyClient.NewIdentifier("cut");
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(ActivityTraceId.CreateRandom().ToHexString())),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(ActivitySpanId.CreateRandom().ToHexString())),
            Name = "cut short",
            Attributes = { Text("tenant.identifier", tenant) },
        };
        var valid = new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { span } } } } } }.ToByteArray();
        using var content = new ByteArrayContent([.. valid, 0x0A, 0xFF, 0xFF, 0x03]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        await TenancyClient.AssertProblemAsync(await system.Telemetry.Http.PostAsync("/v1/traces", content), HttpStatusCode.BadRequest);
        Assert.Empty(await system.Telemetry.TracesAsync($"tenant={tenant}"));
    }

    [Fact]
    public async Task A_gzip_compressed_OTLP_HTTP_body_is_read()
    {
        var tenant = TenancyClient.NewIdentifier("gz");
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(ActivityTraceId.CreateRandom().ToHexString())),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(ActivitySpanId.CreateRandom().ToHexString())),
            Name = "compressed",
            Attributes = { Text("tenant.identifier", tenant) },
        };

        await PostAsync("/v1/traces", new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { span } } } } } }, gzip: true);

        Assert.Single(await system.Telemetry.TracesAsync($"tenant={tenant}"));
    }

    private async Task PostAsync(string path, IMessage request, bool gzip = false)
    {
        var bytes = request.ToByteArray();
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest))
            {
                zip.Write(bytes);
            }

            bytes = compressed.ToArray();
        }

        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var response = await system.Telemetry.Http.PostAsync(path, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
