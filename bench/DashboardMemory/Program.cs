using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Tenancy.Dashboard;
using Tenancy.Dashboard.Otlp;
using Tenancy.Dashboard.Otlp.Collector.Trace;
using Tenancy.Dashboard.Otlp.Common;
using Tenancy.Dashboard.Otlp.Trace;
using Tenancy.Dashboard.Storage;

// Feeds the dashboard's stores OTLP trace requests as the receiver gets them (serialized protobuf, parsed, converted,
// stored) and prints the managed heap retained after a full collection. Baseline: the heap when the buffer has just
// filled (MaxSpans spans); the headline is the ratio after 10x as many spans, which stays ~1.0 if memory is bounded.
//
//   dotnet run -c Release --project bench/DashboardMemory [-- --max-spans 10000 --spans 100000]
var maxSpans = Option("--max-spans", 10_000);
var total = Option("--spans", 100_000);
const int SpansPerRequest = 512;

var options = Options.Create(new DashboardOptions { MaxSpans = maxSpans });
var spans = new SpanStore(options);
var ingest = new OtlpIngest(spans, new LogStore(options), new MetricStore(options), options);

var empty = RetainedBytes();
// Measured when the buffer has just filled, then at every tenth of the run.
var thresholds = new Queue<int>(Enumerable.Range(1, 10).Select(k => total / 10 * k).Append(maxSpans).Where(t => t <= total).Distinct().Order());
var checkpoints = new List<(int Received, int Held, long Bytes)>();
var sent = 0;
var started = System.Diagnostics.Stopwatch.StartNew();
while (sent < total)
{
    var count = Math.Min(SpansPerRequest, total - sent);
    var payload = Request(sent, count).ToByteArray();
    ingest.Export(ExportTraceServiceRequest.Parser.ParseFrom(payload));
    sent += count;
    if (thresholds.TryPeek(out var next) && sent >= next)
    {
        thresholds.Dequeue();
        checkpoints.Add((sent, spans.Count, RetainedBytes() - empty));
    }
}

var elapsed = started.Elapsed;
var atLimit = checkpoints.First(c => c.Received >= maxSpans).Bytes;
Console.WriteLine($"dashboard memory: MaxSpans={maxSpans}, {total} spans in {total / SpansPerRequest} OTLP requests, {elapsed.TotalSeconds:0.0} s ({total / elapsed.TotalSeconds:0} spans/s, forced full collections included)");
Console.WriteLine();
Console.WriteLine("| spans received | spans held | retained managed MB | ratio to the buffer just full |");
Console.WriteLine("|---:|---:|---:|---:|");
foreach (var (received, held, bytes) in checkpoints)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {received:N0} | {held:N0} | {bytes / 1048576d:0.0} | {(double)bytes / atLimit:0.00} |"));
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"held at the end: {spans.Count:N0} spans, {spans.TraceCount:N0} traces; {(double)checkpoints[^1].Bytes / spans.Count:0} bytes per held span"));
return spans.Count == maxSpans ? 0 : 1;

static long RetainedBytes()
{
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    return GC.GetTotalMemory(forceFullCollection: true);
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

// What an Api request's spans look like: a server span, database commands and a cache span, two tenants taking turns.
static ExportTraceServiceRequest Request(int first, int count)
{
    var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "Microsoft.AspNetCore" } };
    for (var i = first; i < first + count; i++)
    {
        var trace = i / 8;
        var tenant = trace % 2;
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(trace.ToString("x32", CultureInfo.InvariantCulture))),
            SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)i + 1)),
            ParentSpanId = i % 8 == 0 ? ByteString.Empty : ByteString.CopyFrom(BitConverter.GetBytes((long)(trace * 8) + 1)),
            Name = i % 8 == 0 ? "GET /api/products" : "postgresql",
            Kind = i % 8 == 0 ? Span.Types.SpanKind.Server : Span.Types.SpanKind.Client,
            StartTimeUnixNano = 1_700_000_000_000_000_000UL + ((ulong)i * 1_000_000),
            EndTimeUnixNano = 1_700_000_000_000_000_000UL + ((ulong)i * 1_000_000) + 750_000,
        };
        Add(span, "tenant.id", $"0192f0c4-7d3a-7000-8000-00000000000{tenant}");
        Add(span, "tenant.identifier", $"tenant-{tenant}");
        Add(span, "db.system.name", "postgresql");
        Add(span, "db.namespace", "tenancydb");
        Add(span, "db.query.text", "SELECT p.id, p.sku, p.name, p.price FROM t_tenant.products AS p ORDER BY p.name LIMIT @p0");
        Add(span, "server.address", "127.0.0.1");
        Add(span, "http.request.method", "GET");
        Add(span, "url.path", "/api/products");
        scope.Spans.Add(span);
    }

    var resource = new Tenancy.Dashboard.Otlp.Resource.Resource();
    resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "api" } });
    return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } };
}

static void Add(Span span, string key, string value) =>
    span.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
