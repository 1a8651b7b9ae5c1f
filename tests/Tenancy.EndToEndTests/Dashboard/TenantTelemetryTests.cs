using System.Net;
using System.Text.Json;
using Tenancy.EndToEndTests.Jobs;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>
/// Two tenants use the system; the dashboard (fed by the services' own OTLP exporters) shows each one's request,
/// database, cache and job spans tagged with that tenant, and no span of one tenant's traces names the other.
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

        foreach (var (tenant, other) in new[] { (a, b), (b, a) })
        {
            var id = ids[tenant.Identifier];
            var kinds = new (string What, Predicate<JsonElement> Is)[] { ("request", IsRequest), ("database", IsDatabase), ("cache", IsCache), ("job", IsJob) };
            bool Tagged(JsonElement s) => s.TenantId() == id && s.TenantIdentifier() == tenant.Identifier;
            // Spans arrive in export batches per service: wait until one tagged span of each kind is in, however late.
            var spans = await DashboardApi.WaitForAsync(
                () => system.Telemetry.SpansOfTracesAsync($"tenant={tenant.Identifier}"),
                s => kinds.All(kind => s.Exists(span => kind.Is(span) && Tagged(span))),
                $"request, database, cache and job spans of {tenant.Identifier}");

            foreach (var (what, kind) in kinds)
            {
                Assert.True(spans.FindAll(kind).Exists(Tagged), $"no {what} span of {tenant.Identifier} carries tenant.id {id}");
            }

            // The cache miss's query runs in HybridCache's factory, yet stays in the request's trace, as the tenant.
            var cacheSpans = spans.FindAll(IsCache).Select(c => c.GetProperty("spanId").GetString()).ToHashSet();
            Assert.Contains(spans, s => IsDatabase(s) && cacheSpans.Contains(s.GetProperty("parentSpanId").GetString()) && s.TenantId() == id);

            // Nothing in the tenant's traces names the other tenant, and every tenant-tagged span names this one.
            Assert.DoesNotContain(spans, s => s.TenantId() == ids[other.Identifier] || s.TenantIdentifier() == other.Identifier);
            Assert.All(spans.Where(s => s.TenantId() is not null), s => Assert.Equal((id, tenant.Identifier), (s.TenantId(), s.TenantIdentifier())));
            // The job ran in the Worker (exporting over OTLP/HTTP); the request was served by the Api (over OTLP/gRPC).
            Assert.Contains(spans, s => IsJob(s) && s.Resource() == "worker");
            Assert.Contains(spans, s => IsRequest(s) && s.Resource() == "api");
        }
    }

    [Fact]
    public async Task The_traces_list_filters_by_tenant_and_resource_and_each_listed_trace_involves_them()
    {
        var a = await SalesTenant.CreateAsync(system.Client);
        var b = await SalesTenant.CreateAsync(system.Client);
        await a.PlaceOrderAsync();
        await b.PlaceOrderAsync();

        var ofA = await DashboardApi.WaitForAsync(
            () => system.Telemetry.TracesAsync($"tenant={a.Identifier}&resource=worker"),
            t => t.Count > 0,
            $"a trace of {a.Identifier} that reached the Worker");

        Assert.All(ofA, trace =>
        {
            Assert.Contains(a.Identifier, trace.GetProperty("tenants").EnumerateArray().Select(t => t.GetString()));
            Assert.DoesNotContain(b.Identifier, trace.GetProperty("tenants").EnumerateArray().Select(t => t.GetString()));
            Assert.Contains("worker", trace.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        });
        Assert.Empty(await system.Telemetry.TracesAsync($"tenant={TenancyClient.NewIdentifier("none")}"));
    }

    [Fact]
    public async Task Structured_logs_carry_the_tenant_of_the_request_and_filter_by_it()
    {
        var a = await SalesTenant.CreateAsync(system.Client);
        var b = await SalesTenant.CreateAsync(system.Client);
        await a.PlaceOrderAsync();
        await b.PlaceOrderAsync();

        // The Api's lines carry the tenant from the request's scope, the Worker's from the job's scope.
        var logs = await DashboardApi.WaitForAsync(
            async () => (await system.Telemetry.GetAsync($"/api/logs?tenant={a.Identifier}&limit=5000")).EnumerateArray().ToList(),
            l => l.Exists(log => log.GetProperty("resource").GetString() == "api") && l.Exists(log => log.GetProperty("resource").GetString() == "worker"),
            $"log records of {a.Identifier} from the Api and the Worker");

        Assert.All(logs, log => Assert.Equal(a.Identifier, log.GetProperty("tenantIdentifier").GetString()));
        var ofB = (await system.Telemetry.GetAsync($"/api/logs?tenant={b.Identifier}&limit=5000")).EnumerateArray().ToList();
        Assert.NotEmpty(ofB);
        Assert.DoesNotContain(ofB, log => log.GetProperty("tenantIdentifier").GetString() == a.Identifier);
        var problem = await system.Telemetry.Http.GetAsync("/api/logs?level=loud");
        await TenancyClient.AssertProblemAsync(problem, HttpStatusCode.BadRequest);
    }

    private async Task<string> TenantIdAsync(string identifier)
    {
        var response = await system.Client.SendAsync(HttpMethod.Get, $"/api/tenants/{identifier}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await TenancyClient.ReadAsync(response)).GetProperty("id").GetString()!;
    }

    private static bool IsRequest(JsonElement span) => span.Kind() == "server" && span.Scope() == "Microsoft.AspNetCore";

    private static bool IsDatabase(JsonElement span) => span.Scope() == "Npgsql";

    private static bool IsCache(JsonElement span) => span.Scope() == "Tenancy.Caching";

    private static bool IsJob(JsonElement span) => span.Resource() == "worker" && span.Name().StartsWith("perform ", StringComparison.Ordinal);
}
