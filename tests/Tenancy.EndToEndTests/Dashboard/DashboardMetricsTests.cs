using System.Net;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>Request metrics reach the dashboard by resource and tenant tier; a tenant has series of its own only when allow-listed.</summary>
[Collection(DashboardAppHostCollection.Name)]
public sealed class DashboardMetricsTests(DashboardAppHostFixture system)
{
    private const string RequestDuration = "http.server.request.duration";

    [Fact]
    public async Task Request_metrics_are_by_tier_and_only_the_allow_listed_tenant_gets_its_own_series()
    {
        // The only enterprise tenants of the run, so the tier's counts are theirs.
        var watched = await system.Client.CreateTenantAsync(system.WatchedTenant, plan: "enterprise");
        var other = await system.Client.CreateTenantAsync(plan: "enterprise");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await system.Client.AsTenant(watched, HttpMethod.Get, "/api/products")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await system.Client.AsTenant(other, HttpMethod.Get, "/api/products")).StatusCode);
        }

        var rows = await DashboardApi.WaitForAsync(
            async () => (await system.Telemetry.GetAsync("/api/metrics/requests?windowSeconds=300")).EnumerateArray().ToList(),
            r => r.Exists(row => Is(row, "api", "enterprise") && row.GetProperty("requests").GetInt64() >= 6),
            "6 requests of the enterprise tier in the Api's request metrics");
        var enterprise = rows.Single(row => Is(row, "api", "enterprise"));
        Assert.True(enterprise.GetProperty("p95Ms").GetDouble() > 0);

        var points = (await system.Telemetry.GetAsync($"/api/metrics/points?name={RequestDuration}&resource=api&limit=5000")).EnumerateArray().ToList();
        var identifiers = points.Select(p => Attribute(p, "tenant.identifier")).OfType<string>().Distinct().ToList();
        Assert.Equal([watched], identifiers);
        Assert.DoesNotContain(points, p => Attribute(p, "tenant.id") is not null);
        // The cardinality-limit view keeps ASP.NET Core's own bucket advice (seconds), not OpenTelemetry's defaults.
        Assert.All(points, p => Assert.True(p.GetProperty("explicitBounds")[0].GetDouble() < 0.1));
    }

    private static bool Is(JsonElement row, string resource, string tier) =>
        row.GetProperty("resource").GetString() == resource && row.GetProperty("tier").GetString() == tier;

    private static string? Attribute(JsonElement point, string name) =>
        point.GetProperty("attributes").TryGetProperty(name, out var value) ? value.GetString() : null;
}
