using System.Diagnostics;
using System.Net;
using Tenancy.EndToEndTests.Jobs;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>
/// Two tenants use the system; the Aspire dashboard (fed by the services' own OTLP exporters) holds each one's
/// request, database, cache and job spans tagged with that tenant, and no span of one tenant's traces names the other.
/// </summary>
[Collection(DashboardAppHostCollection.Name)]
public sealed class TenantTelemetryTests(DashboardAppHostFixture system)
{
    [Fact]
    public async Task Request_database_cache_and_job_spans_carry_their_own_tenant_and_never_the_other()
    {
        var a = await SalesTenant.CreateAsync(system.Client);
        var b = await SalesTenant.CreateAsync(system.Client);
        var ids = new Dictionary<string, string>
        {
            [a.Identifier] = await TenantIdAsync(a.Identifier),
            [b.Identifier] = await TenantIdAsync(b.Identifier),
        };

        foreach (var tenant in new[] { a, b })
        {
            // A cached read (cache span) and an order (request, database and the Worker's confirmation job).
            await tenant.GetAsync("/api/products");
            await tenant.PlaceOrderAsync();
        }

        var kinds = new (string What, Func<ExportedSpan, bool> Is)[] { ("request", IsRequest), ("database", IsDatabase), ("cache", IsCache), ("job", IsJob) };
        foreach (var (tenant, other) in new[] { (a, b), (b, a) })
        {
            var id = ids[tenant.Identifier];
            bool Tagged(ExportedSpan s) => s.TenantId == id && s.TenantIdentifier == tenant.Identifier;
            List<ExportedSpan> TracesOf(List<ExportedSpan> all)
            {
                var traces = all.Where(Tagged).Select(s => s.TraceId).ToHashSet();
                return all.FindAll(s => traces.Contains(s.TraceId));
            }

            // The cache miss's query runs in HybridCache's factory, yet stays in the request's trace, as the tenant.
            bool MissQueriesUnderCacheSpan(List<ExportedSpan> spans)
            {
                var cacheSpans = spans.Where(IsCache).Select(c => c.SpanId).ToHashSet();
                return spans.Exists(s => IsDatabase(s) && cacheSpans.Contains(s.ParentSpanId) && s.TenantId == id);
            }

            // Spans arrive in export batches per service, a cache span and its query's span not always in the same one:
            // wait until one tagged span of each kind and the miss's query are in, however late.
            var spans = TracesOf(await DashboardTelemetry.WaitForAsync(
                system.Telemetry.SpansAsync,
                s => kinds.All(kind => s.Exists(span => kind.Is(span) && Tagged(span))) && MissQueriesUnderCacheSpan(TracesOf(s)),
                $"request, database, cache and job spans of {tenant.Identifier}, and a query under its cache span"));

            // Nothing in the tenant's traces names the other tenant, and every tenant-tagged span names this one.
            Assert.DoesNotContain(spans, s => s.TenantId == ids[other.Identifier] || s.TenantIdentifier == other.Identifier);
            Assert.All(spans.Where(s => s.TenantId is not null), s => Assert.Equal((id, tenant.Identifier), (s.TenantId, s.TenantIdentifier)));
            Assert.Contains(spans, s => IsJob(s) && s.Service == "worker");
            Assert.Contains(spans, s => IsRequest(s) && s.Service == "api");
        }
    }

    [Fact]
    public async Task The_trace_of_an_order_request_contains_the_workers_job_span()
    {
        var shop = await SalesTenant.CreateAsync(system.Client);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = ActivitySpanId.CreateRandom().ToHexString();

        await shop.PlaceOrderAsync(traceParent: $"00-{traceId}-{callerSpan}-01");

        var job = await system.Telemetry.WaitForSpanAsync(
            s => s.TraceId == traceId && s.Service == "worker" && s.Name == "perform IOrderConfirmationJob.SendAsync", "the Worker's job span in the order's trace");
        var enqueue = await system.Telemetry.WaitForSpanAsync(s => s.SpanId == job.ParentSpanId, "the job span's parent");
        var request = await system.Telemetry.WaitForSpanAsync(s => s.SpanId == enqueue.ParentSpanId, "the enqueue span's parent");

        Assert.Equal(("api", "enqueue IOrderConfirmationJob.SendAsync", traceId), (enqueue.Service, enqueue.Name, enqueue.TraceId));
        Assert.Equal(("api", traceId, callerSpan), (request.Service, request.TraceId, request.ParentSpanId));
        Assert.Equal(shop.Identifier, job.TenantIdentifier);
        Assert.Equal(shop.Identifier, enqueue.TenantIdentifier);
        Assert.StartsWith($"{shop.Identifier}: SendOrderConfirmation #", job.Attributes["job.display_name"], StringComparison.Ordinal);
        // The job's own work (its database commands) hangs under the job span.
        await system.Telemetry.WaitForSpanAsync(s => s.Service == "worker" && s.ParentSpanId == job.SpanId, "a child of the job span");
    }

    [Fact]
    public async Task Structured_logs_carry_the_tenant_of_the_request_and_of_the_job()
    {
        var a = await SalesTenant.CreateAsync(system.Client);
        var b = await SalesTenant.CreateAsync(system.Client);
        await a.PlaceOrderAsync();
        await b.PlaceOrderAsync();

        // The Api's lines carry the tenant from the request's scope, the Worker's from the job's scope.
        var logs = await DashboardTelemetry.WaitForAsync(
            system.Telemetry.LogsAsync,
            l => l.Exists(log => log.Service == "api" && Of(log, a.Identifier)) && l.Exists(log => log.Service == "worker" && Of(log, a.Identifier)),
            $"log records of {a.Identifier} from the Api and the Worker");

        var tagged = logs.FindAll(log => log.Attributes.ContainsKey("tenant.identifier"));
        Assert.Contains(tagged, log => Of(log, b.Identifier));
        // A record carries one tenant: the scope of one request or job never holds another's.
        Assert.All(tagged, log => Assert.Single(log.Attributes, attribute => attribute.Key == "tenant.identifier"));
    }

    [Fact]
    public async Task An_idle_system_adds_no_traces_so_a_tenants_traces_stay_in_the_dashboard()
    {
        var shop = await SalesTenant.CreateAsync(system.Client);
        await shop.PlaceOrderAsync();
        await system.Telemetry.WaitForSpanAsync(s => s.Service == "worker" && s.TenantIdentifier == shop.Identifier, "the order's job span");
        // Let the last export batches of that work arrive.
        await Task.Delay(TimeSpan.FromSeconds(5));

        var before = (await system.Telemetry.SpansAsync()).Select(s => s.TraceId).ToHashSet();
        await Task.Delay(TimeSpan.FromSeconds(20));
        var after = await system.Telemetry.SpansAsync();

        // Hangfire polls its storage every second and the health checks run every few: none of it is a trace.
        var added = after.Where(s => !before.Contains(s.TraceId)).ToList();
        Assert.True(added.Count == 0, $"an idle system exported {added.Count} spans in 20 s: {string.Join(", ", added.Take(5).Select(s => $"{s.Service} {s.Scope} {s.Name}"))}");
    }

    private async Task<string> TenantIdAsync(string identifier)
    {
        var response = await system.Client.SendAsync(HttpMethod.Get, $"/api/tenants/{identifier}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await TenancyClient.ReadAsync(response)).GetProperty("id").GetString()!;
    }

    private static bool Of(ExportedLog log, string identifier) => log.Attributes.GetValueOrDefault("tenant.identifier") == identifier;

    private static bool IsRequest(ExportedSpan span) => span.Kind == ExportedSpan.ServerKind && span.Scope == "Microsoft.AspNetCore";

    private static bool IsDatabase(ExportedSpan span) => span.Scope == "Npgsql";

    private static bool IsCache(ExportedSpan span) => span.Scope == "Tenancy.Caching";

    private static bool IsJob(ExportedSpan span) => span.Service == "worker" && span.Name.StartsWith("perform ", StringComparison.Ordinal);
}
