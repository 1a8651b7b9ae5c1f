using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Tenancy.Dashboard.Otlp.Common;
using Tenancy.Dashboard.Storage;
using ProtoLogs = Tenancy.Dashboard.Otlp.Logs;
using ProtoMetrics = Tenancy.Dashboard.Otlp.Metrics;
using ProtoResource = Tenancy.Dashboard.Otlp.Resource;
using ProtoTrace = Tenancy.Dashboard.Otlp.Trace;

namespace Tenancy.Dashboard.Otlp;

/// <summary>Turns OTLP messages into what the stores keep: hex ids, string attributes, times as DateTimeOffset.</summary>
internal sealed class OtlpConverter(int maxAttributes)
{
    private const string UnknownService = "unknown_service";

    public IEnumerable<StoredSpan> Spans(RepeatedField<ProtoTrace.ResourceSpans> resourceSpans)
    {
        foreach (var resource in resourceSpans)
        {
            var service = ServiceName(resource.Resource);
            foreach (var scope in resource.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    var start = Time(span.StartTimeUnixNano);
                    yield return new StoredSpan(
                        Hex(span.TraceId),
                        Hex(span.SpanId),
                        span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId),
                        span.Name,
                        KindName(span.Kind),
                        service,
                        scope.Scope?.Name ?? "",
                        start,
                        span.EndTimeUnixNano > span.StartTimeUnixNano ? (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1_000_000d : 0,
                        span.Status?.Code == ProtoTrace.Status.Types.StatusCode.Error,
                        span.Status is { Message.Length: > 0 } status ? status.Message : null,
                        Attributes(span.Attributes),
                        [.. span.Events.Select(e => new StoredSpanEvent(e.Name, Time(e.TimeUnixNano), Attributes(e.Attributes)))]);
                }
            }
        }
    }

    public IEnumerable<StoredLog> Logs(RepeatedField<ProtoLogs.ResourceLogs> resourceLogs)
    {
        foreach (var resource in resourceLogs)
        {
            var service = ServiceName(resource.Resource);
            foreach (var scope in resource.ScopeLogs)
            {
                foreach (var log in scope.LogRecords)
                {
                    yield return new StoredLog(
                        Time(log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano),
                        service,
                        Severity(log.SeverityNumber),
                        scope.Scope?.Name ?? "",
                        log.Body is null ? "" : Text(log.Body),
                        Attributes(log.Attributes),
                        log.TraceId.IsEmpty ? null : Hex(log.TraceId),
                        log.SpanId.IsEmpty ? null : Hex(log.SpanId));
                }
            }
        }
    }

    public IEnumerable<StoredMetricPoint> MetricPoints(RepeatedField<ProtoMetrics.ResourceMetrics> resourceMetrics)
    {
        foreach (var resource in resourceMetrics)
        {
            var service = ServiceName(resource.Resource);
            foreach (var metric in resource.ScopeMetrics.SelectMany(s => s.Metrics))
            {
                switch (metric.DataCase)
                {
                    case ProtoMetrics.Metric.DataOneofCase.Gauge:
                        foreach (var point in metric.Gauge.DataPoints)
                        {
                            yield return Number(service, metric, MetricKind.Gauge, cumulative: false, point);
                        }

                        break;
                    case ProtoMetrics.Metric.DataOneofCase.Sum:
                        foreach (var point in metric.Sum.DataPoints)
                        {
                            yield return Number(service, metric, MetricKind.Sum, metric.Sum.AggregationTemporality == ProtoMetrics.AggregationTemporality.Cumulative, point);
                        }

                        break;
                    case ProtoMetrics.Metric.DataOneofCase.Histogram:
                        var cumulative = metric.Histogram.AggregationTemporality == ProtoMetrics.AggregationTemporality.Cumulative;
                        foreach (var point in metric.Histogram.DataPoints)
                        {
                            yield return new StoredMetricPoint(
                                service, metric.Name, metric.Unit, MetricKind.Histogram, cumulative,
                                Time(point.StartTimeUnixNano), Time(point.TimeUnixNano), Attributes(point.Attributes),
                                0, point.Count, point.HasSum ? point.Sum : 0, [.. point.ExplicitBounds], [.. point.BucketCounts]);
                        }

                        break;
                }
            }
        }
    }

    private StoredMetricPoint Number(string service, ProtoMetrics.Metric metric, MetricKind kind, bool cumulative, ProtoMetrics.NumberDataPoint point) =>
        new(service, metric.Name, metric.Unit, kind, cumulative, Time(point.StartTimeUnixNano), Time(point.TimeUnixNano), Attributes(point.Attributes),
            point.ValueCase == ProtoMetrics.NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble, 0, 0, [], []);

    private Dictionary<string, string> Attributes(RepeatedField<KeyValue> attributes)
    {
        var result = new Dictionary<string, string>(Math.Min(attributes.Count, maxAttributes), StringComparer.Ordinal);
        // An attribute without a value (a null scope value, say) says nothing: leave it out rather than show "".
        foreach (var attribute in attributes.Where(a => a.Value is { ValueCase: not AnyValue.ValueOneofCase.None }).Take(maxAttributes))
        {
            result[attribute.Key] = Text(attribute.Value);
        }

        return result;
    }

    private static string ServiceName(ProtoResource.Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == TelemetryAttributes.ServiceName)?.Value?.StringValue is { Length: > 0 } name ? name : UnknownService;

    private static string Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {(kv.Value is null ? "" : Text(kv.Value))}")) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        _ => "",
    };

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static DateTimeOffset Time(ulong unixNano) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(unixNano / 100));

    private static string KindName(ProtoTrace.Span.Types.SpanKind kind) => kind switch
    {
        ProtoTrace.Span.Types.SpanKind.Server => "server",
        ProtoTrace.Span.Types.SpanKind.Client => "client",
        ProtoTrace.Span.Types.SpanKind.Producer => "producer",
        ProtoTrace.Span.Types.SpanKind.Consumer => "consumer",
        _ => "internal",
    };

    private static LogSeverity Severity(ProtoLogs.SeverityNumber number) => (int)number switch
    {
        <= 4 => LogSeverity.Trace,
        <= 8 => LogSeverity.Debug,
        <= 12 => LogSeverity.Information,
        <= 16 => LogSeverity.Warning,
        <= 20 => LogSeverity.Error,
        _ => LogSeverity.Critical,
    };
}
