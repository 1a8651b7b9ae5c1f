using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Tenancy.EndToEndTests.Jobs;

/// <summary>A span as the services exported it over OTLP.</summary>
public sealed record ExportedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// A minimal OTLP/HTTP (protobuf) collector on the loopback: the services export their spans here, as they would to
/// Aspire's dashboard, and the tests read what reached it. Metrics and logs are accepted and dropped.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    private OtlpTraceReceiver(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Endpoint { get; }

    public ConcurrentQueue<ExportedSpan> Spans { get; } = new();

    public static OtlpTraceReceiver Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new OtlpTraceReceiver(port);
    }

    /// <summary>Waits for a span that <paramref name="match"/> accepts.</summary>
    public async Task<ExportedSpan> WaitForSpanAsync(Func<ExportedSpan, bool> match, TimeSpan timeout, string what)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            if (Spans.FirstOrDefault(match) is { } span)
            {
                return span;
            }

            Assert.False(cancellation.IsCancellationRequested, $"no exported span is {what} within {timeout.TotalSeconds:0} s");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in Protobuf.ParseTraces(body.ToArray()))
                {
                    Spans.Enqueue(span);
                }
            }

            // An empty Export*ServiceResponse.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    /// <summary>Just enough of the protobuf wire format and of OTLP's trace messages to read spans.</summary>
    private static class Protobuf
    {
        public static IEnumerable<ExportedSpan> ParseTraces(ReadOnlyMemory<byte> request)
        {
            // ExportTraceServiceRequest.resource_spans = 1
            foreach (var resourceSpans in Fields(request, 1))
            {
                // ResourceSpans.resource = 1 (Resource.attributes = 1), scope_spans = 2
                var resource = Fields(resourceSpans, 1).Select(r => Attributes(r, 1)).FirstOrDefault() ?? [];
                var service = resource.GetValueOrDefault("service.name", "");
                foreach (var scopeSpans in Fields(resourceSpans, 2))
                {
                    // ScopeSpans.spans = 2; Span: trace_id 1, span_id 2, parent_span_id 4, name 5, attributes 9
                    foreach (var span in Fields(scopeSpans, 2))
                    {
                        yield return new ExportedSpan(
                            service,
                            Hex(Fields(span, 1).FirstOrDefault()),
                            Hex(Fields(span, 2).FirstOrDefault()),
                            Hex(Fields(span, 4).FirstOrDefault()),
                            Text(Fields(span, 5).FirstOrDefault()),
                            Attributes(span, 9));
                    }
                }
            }
        }

        // KeyValue: key = 1, value = 2 (AnyValue.string_value = 1); other value kinds are left out.
        private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field) =>
            Fields(message, field)
                .Select(kv => (Key: Text(Fields(kv, 1).FirstOrDefault()), Value: Fields(kv, 2).Select(v => Fields(v, 1).Select(Text).FirstOrDefault()).FirstOrDefault()))
                .Where(kv => kv.Value is not null)
                .GroupBy(kv => kv.Key)
                .ToDictionary(g => g.Key, g => g.First().Value!);

        private static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);

        private static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);

        /// <summary>The length-delimited values of <paramref name="number"/> in <paramref name="message"/>.</summary>
        private static List<ReadOnlyMemory<byte>> Fields(ReadOnlyMemory<byte> message, int number)
        {
            var values = new List<ReadOnlyMemory<byte>>();
            var span = message.Span;
            var position = 0;
            while (position < span.Length)
            {
                var key = Varint(span, ref position);
                switch (key & 7)
                {
                    case 0:
                        Varint(span, ref position);
                        break;
                    case 1:
                        position += 8;
                        break;
                    case 2:
                        var length = (int)Varint(span, ref position);
                        if ((int)(key >> 3) == number)
                        {
                            values.Add(message.Slice(position, length));
                        }

                        position += length;
                        break;
                    case 5:
                        position += 4;
                        break;
                    default:
                        throw new InvalidDataException($"unsupported protobuf wire type {key & 7}");
                }
            }

            return values;
        }

        private static ulong Varint(ReadOnlySpan<byte> span, ref int position)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = span[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }
}
