using Google.Protobuf;
using Microsoft.Extensions.Options;
using Tenancy.Dashboard;
using Tenancy.Dashboard.Api;
using Tenancy.Dashboard.Otlp;
using Tenancy.Dashboard.Otlp.Collector.Trace;
using Tenancy.Dashboard.Otlp.Common;
using Tenancy.Dashboard.Otlp.Trace;
using Tenancy.Dashboard.Storage;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>The dashboard's memory bound and its secret masking, without the rest of the system.</summary>
public sealed class DashboardStoreTests
{
    [Fact]
    public void After_100000_spans_the_store_holds_exactly_its_limit_the_newest_ones_and_indexes_only_them()
    {
        var options = Options.Create(new DashboardOptions { MaxSpans = 5_000 });
        var spans = new SpanStore(options);
        var ingest = new OtlpIngest(spans, new LogStore(options), new MetricStore(options), options);

        // As received: 200 OTLP requests of 500 spans, 5 spans per trace, alternating two tenants.
        for (var request = 0; request < 200; request++)
        {
            var bytes = SpansRequest(first: request * 500, count: 500).ToByteArray();
            ingest.Export(ExportTraceServiceRequest.Parser.ParseFrom(bytes));
            Assert.True(spans.Count <= 5_000);
        }

        Assert.Equal(5_000, spans.Count);
        Assert.Equal(1_000, spans.TraceCount);
        Assert.Empty(spans.GetTrace(TraceId(0)));
        Assert.Equal(5, spans.GetTrace(TraceId((100_000 / 5) - 1)).Count);
        var ofTenant = spans.QueryTraces(new TraceQuery(Tenant: "tenant-0", Limit: 1_000));
        Assert.Equal(500, ofTenant.Count);
        Assert.All(ofTenant, t => Assert.Equal(["tenant-0"], t.Tenants));
    }

    [Theory]
    [InlineData("ConnectionStrings__tenancydb", "Host=127.0.0.1;Port=5432;Username=postgres;Password=s3cr3t;Database=tenancydb", "Host=127.0.0.1;Port=5432;Username=postgres;Password=****;Database=tenancydb")]
    [InlineData("ConnectionStrings__cache", "127.0.0.1:6379,password=s3cr3t,abortConnect=false", "127.0.0.1:6379,password=****,abortConnect=false")]
    [InlineData("Stripe__ApiKey", "sk_live_s3cr3t", "****")]
    [InlineData("JWT_SECRET", "s3cr3t", "****")]
    [InlineData("SMTP_PASSWORD", "s3cr3t", "****")]
    [InlineData("services__billing__http__0", "http://user:s3cr3t@billing:8080", "http://user:****@billing:8080")]
    [InlineData("OTEL_SERVICE_NAME", "api", "api")]
    public void Environment_secrets_are_masked(string name, string value, string shown)
    {
        Assert.Equal(shown, SecretMasker.MaskValue(name, value));
        Assert.DoesNotContain("s3cr3t", SecretMasker.MaskValue(name, value), StringComparison.Ordinal);
    }

    private static string TraceId(int trace) => trace.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    private static ExportTraceServiceRequest SpansRequest(int first, int count)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "bench" } };
        for (var i = first; i < first + count; i++)
        {
            var trace = i / 5;
            var span = new Span
            {
                TraceId = ByteString.CopyFrom(Convert.FromHexString(TraceId(trace))),
                SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)i + 1)),
                Name = $"span {i}",
                Kind = Span.Types.SpanKind.Internal,
                StartTimeUnixNano = 1_700_000_000_000_000_000UL + ((ulong)i * 1_000),
                EndTimeUnixNano = 1_700_000_000_000_000_000UL + ((ulong)i * 1_000) + 500,
            };
            span.Attributes.Add(new KeyValue { Key = "tenant.identifier", Value = new AnyValue { StringValue = $"tenant-{trace % 2}" } });
            scope.Spans.Add(span);
        }

        var resource = new ResourceSpans { Resource = new Tenancy.Dashboard.Otlp.Resource.Resource(), ScopeSpans = { scope } };
        resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "bench" } });
        return new ExportTraceServiceRequest { ResourceSpans = { resource } };
    }
}
