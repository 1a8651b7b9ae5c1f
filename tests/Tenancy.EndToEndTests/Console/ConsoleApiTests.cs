using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Console;

/// <summary>
/// The Api endpoints the console needs, through the running system: the tenants list searched, sorted and paged in
/// PostgreSQL; a tenant's store status; migration runs; the tenant's own plan; and who is refused each of them.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ConsoleApiTests(AppHostFixture fixture)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);
    private readonly TenancyClient _client = new(fixture.Api);

    [Fact]
    public async Task The_tenants_list_is_searched_sorted_and_paged_with_the_total_in_a_header()
    {
        var prefix = $"p{Guid.NewGuid().ToString("N")[..8]}";
        var identifiers = new[] { $"{prefix}-a", $"{prefix}-b", $"{prefix}-c" };
        foreach (var identifier in identifiers)
        {
            await _client.CreateTenantAsync(identifier);
        }

        var first = await _client.SendAsync(HttpMethod.Get, $"/api/tenants?search={prefix}&sort=-identifier&page=1&pageSize=2");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("3", first.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal([identifiers[2], identifiers[1]], Identifiers(await TenancyClient.ReadAsync(first)));

        var second = await _client.SendAsync(HttpMethod.Get, $"/api/tenants?search={prefix.ToUpperInvariant()}&sort=-identifier&page=2&pageSize=2");
        Assert.Equal([identifiers[0]], Identifiers(await TenancyClient.ReadAsync(second)));

        // A search is literal text: '%' matches no identifier, rather than all of them.
        var wildcard = await _client.SendAsync(HttpMethod.Get, "/api/tenants?search=%25&pageSize=5");
        Assert.Equal("0", wildcard.Headers.GetValues("X-Total-Count").Single());

        // Without paging parameters the list is whole, as it always was.
        var all = Identifiers(await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, "/api/tenants")));
        Assert.Subset(all.ToHashSet(), identifiers.ToHashSet());
    }

    [Theory]
    [InlineData("sort=size", "sort")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=501", "pageSize")]
    public async Task Bad_listing_parameters_are_a_validation_problem_naming_the_field(string query, string field)
    {
        var problem = await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants?{query}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_tenants_store_status_says_it_is_reachable_with_nothing_pending()
    {
        var identifier = await _client.CreateTenantAsync();

        var status = await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{identifier}/status"));

        Assert.Equal(identifier, status.GetProperty("identifier").GetString());
        Assert.True(status.GetProperty("reachable").GetBoolean(), status.ToString());
        Assert.True(status.GetProperty("latencyMs").GetDouble() > 0);
        Assert.Equal(0, status.GetProperty("pendingMigrations").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{TenancyClient.NewIdentifier()}/status")).StatusCode);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, "/api/tenants/Not_Valid/status"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_migration_run_reports_progress_and_a_result_for_every_tenant()
    {
        var identifier = await _client.CreateTenantAsync();

        var started = await _client.SendAsync(HttpMethod.Post, "/api/migrations", new { parallelism = 2 });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.OriginalString;
        Assert.StartsWith("/api/migrations/", location, StringComparison.Ordinal);

        var run = await WaitForRunAsync(location);
        Assert.Equal("completed", run.GetProperty("state").GetString());
        Assert.Equal(run.GetProperty("total").GetInt32(), run.GetProperty("done").GetInt32());
        Assert.Equal(0, run.GetProperty("failed").GetInt32());
        var mine = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("identifier").GetString() == identifier);
        Assert.Equal("upToDate", mine.GetProperty("outcome").GetString());

        // One tenant by name; an unknown one is refused before anything runs.
        var named = await _client.SendAsync(HttpMethod.Post, "/api/migrations", new { tenants = new[] { identifier }, shared = false });
        Assert.Equal(HttpStatusCode.Accepted, named.StatusCode);
        var one = await WaitForRunAsync(named.Headers.Location!.OriginalString);
        Assert.Equal([identifier], Identifiers(one.GetProperty("results")));
        await TenancyClient.AssertProblemAsync(
            await _client.SendAsync(HttpMethod.Post, "/api/migrations", new { tenants = new[] { TenancyClient.NewIdentifier() } }), HttpStatusCode.NotFound);
        var bad = await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Post, "/api/migrations", new { parallelism = 0 }), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("parallelism", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(HttpMethod.Get, $"/api/migrations/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_tenant_owner_reads_its_own_plan_and_is_refused_the_platform_endpoints_and_another_tenants_members()
    {
        var a = await _client.CreateTenantAsync(plan: "trial");
        var b = await _client.CreateTenantAsync();
        var token = await _client.SignInAsOwnerAsync(a);

        var own = await TenancyClient.ReadAsync(await _client.SendWithTokenAsync(token, HttpMethod.Get, "/api/tenant", tenantHeader: a));
        Assert.Equal("trial", own.GetProperty("plan").GetString());
        Assert.Equal(1, own.GetProperty("members").GetInt32());
        Assert.Equal(3, own.GetProperty("limits").GetProperty("users").GetInt32());
        Assert.Equal(1, own.GetProperty("limits").GetProperty("locations").GetInt32());

        // The platform endpoints, on the platform host with A's token (403) and on A's host (404: no tenant there).
        foreach (var (method, path) in new[] { (HttpMethod.Get, $"/api/tenants/{a}/status"), (HttpMethod.Post, "/api/migrations"), (HttpMethod.Get, $"/api/migrations/{Guid.NewGuid()}"), (HttpMethod.Get, "/api/tenants?page=1") })
        {
            await TenancyClient.AssertProblemAsync(await _client.SendWithTokenAsync(token, method, path, method == HttpMethod.Post ? new { } : null), HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.NotFound, (await _client.SendWithTokenAsync(token, method, path, method == HttpMethod.Post ? new { } : null, host: $"{a}.localhost")).StatusCode);
        }

        // As the console calls the Api for a tenant page: the URL's tenant in X-Tenant, the user's own token.
        foreach (var path in new[] { "/api/tenant", "/api/members", "/api/invitations" })
        {
            var refused = await _client.SendWithTokenAsync(token, HttpMethod.Get, path, tenantHeader: b);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain(TenancyClient.OwnerEmail(b), await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }

    private async Task<JsonElement> WaitForRunAsync(string location)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, location));
            if (run.GetProperty("state").GetString() != "running")
            {
                return run;
            }

            Assert.True(clock.Elapsed < RunTimeout, $"the migration run did not finish in {RunTimeout.TotalSeconds} s: {run}");
            await Task.Delay(200);
        }
    }

    private static string[] Identifiers(JsonElement tenants) => [.. tenants.EnumerateArray().Select(t => t.GetProperty("identifier").GetString()!)];
}
