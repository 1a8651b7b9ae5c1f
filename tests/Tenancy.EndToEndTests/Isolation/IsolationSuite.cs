using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Isolation;

/// <summary>
/// Tries to cross from one tenant to another through the real Api: ids, hosts, headers, lists, orders, with
/// tenants on all three tiers (shared tables under row-level security, a schema, a database) at once.
/// Runs against a direct connection and again behind PgBouncer in transaction pooling mode.
/// </summary>
public abstract class IsolationSuite(AppHostFixture fixture)
{
    private readonly TenancyClient _client = new(fixture.Api);

    [Fact]
    public async Task Another_tenants_ids_are_not_found_for_any_verb()
    {
        var (a, b) = (await _client.CreateTenantOnTierAsync("shared"), await _client.CreateTenantOnTierAsync("shared"));
        var productOfA = await _client.CreateProductAsync(a, "SAME", "a's anvil");
        await _client.CreateProductAsync(b, "SAME", "b's anvil");

        Assert.Equal(HttpStatusCode.OK, (await _client.AsTenant(a, HttpMethod.Get, $"/api/products/{productOfA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.AsTenant(b, HttpMethod.Get, $"/api/products/{productOfA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.AsTenant(b, HttpMethod.Put, $"/api/products/{productOfA}", new { sku = "STOLEN", name = "x", price = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.AsTenant(b, HttpMethod.Delete, $"/api/products/{productOfA}")).StatusCode);

        var stillThere = await TenancyClient.ReadAsync(await _client.AsTenant(a, HttpMethod.Get, $"/api/products/{productOfA}"));
        Assert.Equal(("SAME", "a's anvil"), (stillThere.GetProperty("sku").GetString(), stillThere.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Lists_hold_only_the_callers_rows()
    {
        var (a, b, c) = (await _client.CreateTenantOnTierAsync("shared"), await _client.CreateTenantOnTierAsync("schema"), await _client.CreateTenantOnTierAsync("database"));
        await _client.CreateProductAsync(a, "A-1", "only a");
        await _client.CreateProductAsync(b, "B-1", "only b");
        await _client.CreateProductAsync(b, "B-2", "only b");
        await _client.CreateProductAsync(c, "C-1", "only c");

        Assert.Equal(["A-1"], await SkusAsync(a));
        Assert.Equal(["B-1", "B-2"], await SkusAsync(b));
        Assert.Equal(["C-1"], await SkusAsync(c));
    }

    [Fact]
    public async Task Another_tiers_ids_are_not_found_either()
    {
        var tenants = new[] { await _client.CreateTenantOnTierAsync("shared"), await _client.CreateTenantOnTierAsync("schema"), await _client.CreateTenantOnTierAsync("database") };
        var products = new List<Guid>();
        foreach (var tenant in tenants)
        {
            products.Add(await _client.CreateProductAsync(tenant, "SAME", $"{tenant}'s"));
        }

        for (var reader = 0; reader < tenants.Length; reader++)
        {
            for (var owner = 0; owner < tenants.Length; owner++)
            {
                var response = await _client.AsTenant(tenants[reader], HttpMethod.Get, $"/api/products/{products[owner]}");
                Assert.Equal(reader == owner ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
            }
        }
    }

    [Theory]
    [InlineData("shared")]
    [InlineData("schema")]
    [InlineData("database")]
    public async Task A_pages_total_counts_the_tenants_own_rows_on_every_tier(string isolation)
    {
        var (a, b) = (await _client.CreateTenantOnTierAsync(isolation), await _client.CreateTenantOnTierAsync(isolation));
        foreach (var sku in new[] { "A-1", "A-2", "A-3", "A-4", "A-5" })
        {
            await _client.CreateProductAsync(a, sku, "a's");
        }

        await _client.CreateProductAsync(b, "B-1", "b's");

        // "count: skus" of one page of two.
        async Task<string> PageAsync(string tenant, int index)
        {
            var page = await TenancyClient.ReadAsync(await _client.AsTenant(tenant, HttpMethod.Get, $"/api/products?pageSize=2&pageIndex={index}"));
            return $"{page.GetProperty("count").GetInt64()}: {string.Join(',', page.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("sku").GetString()))}";
        }

        Assert.Equal("5: A-1,A-2", await PageAsync(a, 0));
        Assert.Equal("5: A-5", await PageAsync(a, 2));
        // Past the end: no row carries the total, which is still the tenant's own.
        Assert.Equal("5: ", await PageAsync(a, 3));
        Assert.Equal("1: B-1", await PageAsync(b, 0));
        Assert.Equal("1: ", await PageAsync(b, 1));
    }

    [Fact]
    public async Task Raw_sql_on_the_applications_connection_reads_no_shared_row_of_any_tenant()
    {
        var (a, b) = (await _client.CreateTenantOnTierAsync("shared"), await _client.CreateTenantOnTierAsync("shared"));
        await _client.CreateProductAsync(a, "A-1", "a's");
        await _client.CreateProductAsync(b, "B-1", "b's");

        // The connection string the Api was really given for tenant data, read from its environment.
        var environment = ProcessTree.EnvironmentOf(fixture.App.ServiceProcessId("api"));
        var application = environment.Single(e => e.StartsWith("ConnectionStrings__tenancydb-app=", StringComparison.Ordinal)).Split('=', 2)[1];
        await using var connection = new Npgsql.NpgsqlConnection(application);
        await connection.OpenAsync();
        await using var everything = new Npgsql.NpgsqlCommand("SELECT count(*) FROM shared.products", connection);
        await using var owner = new Npgsql.NpgsqlCommand("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user", connection);

        Assert.Equal(0L, await everything.ExecuteScalarAsync());
        Assert.Equal(false, await owner.ExecuteScalarAsync());
        Assert.Equal(["A-1"], await SkusAsync(a));
    }

    [Fact]
    public async Task An_order_cannot_use_another_tenants_customer_location_or_product()
    {
        var (a, b) = (await _client.CreateTenantOnTierAsync("database"), await _client.CreateTenantOnTierAsync("shared"));
        var productOfA = await _client.CreateProductAsync(a, "P", "a's");
        var customerOfA = await IdOf(await _client.AsTenant(a, HttpMethod.Post, "/api/customers", new { name = "Customer of a" }));
        var locationOfA = await IdOf(await _client.AsTenant(a, HttpMethod.Post, "/api/locations", new { name = "Shop", code = "S1" }));

        var crossing = await _client.AsTenant(b, HttpMethod.Post, "/api/orders", new
        {
            customerId = customerOfA,
            locationId = locationOfA,
            lines = new[] { new { productId = productOfA, quantity = 1 } },
        });
        var own = await _client.AsTenant(a, HttpMethod.Post, "/api/orders", new
        {
            customerId = customerOfA,
            locationId = locationOfA,
            lines = new[] { new { productId = productOfA, quantity = 3 } },
        });

        var problem = await TenancyClient.AssertProblemAsync(crossing, HttpStatusCode.BadRequest);
        Assert.Equal(["customerId", "lines", "locationId"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(30m, (await TenancyClient.ReadAsync(own)).GetProperty("total").GetDecimal());
        Assert.Equal(0, (await TenancyClient.ReadAsync(await _client.AsTenant(b, HttpMethod.Get, "/api/orders"))).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_tenant_comes_from_the_host_the_header_or_a_custom_domain_and_they_must_agree()
    {
        var a = await _client.CreateTenantAsync(domains: [$"{TenancyClient.NewIdentifier("shop")}.example.com"]);
        var b = await _client.CreateTenantAsync();
        await _client.CreateProductAsync(a, "A-1", "a's");
        var customDomain = (await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{a}")))
            .GetProperty("domains")[0].GetProperty("host").GetString()!;

        Assert.Equal(["A-1"], await SkusAsync(a, host: customDomain.ToUpperInvariant() + "."));
        Assert.Equal(["A-1"], await SkusAsync(a, host: "localhost", header: a));
        Assert.Equal(["A-1"], await SkusAsync(a, host: $"{a}.localhost", header: a));

        var contradiction = await _client.SendAsync(HttpMethod.Get, "/api/products", host: $"{a}.localhost", tenantHeader: b);
        var domainContradiction = await _client.SendAsync(HttpMethod.Get, "/api/products", host: customDomain, tenantHeader: b);
        var problem = await TenancyClient.AssertProblemAsync(contradiction, HttpStatusCode.BadRequest);
        await TenancyClient.AssertProblemAsync(domainContradiction, HttpStatusCode.BadRequest);
        Assert.Contains(b, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_malformed_suspended_and_deleted_tenants_get_problem_details_never_data()
    {
        var tenant = await _client.CreateTenantAsync();
        await _client.CreateProductAsync(tenant, "S-1", "secret");

        await TenancyClient.AssertProblemAsync(await _client.AsTenant("nobody-here", HttpMethod.Get, "/api/products"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, "/api/products", host: "unknown.example.net"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, "/api/products", host: "localhost", tenantHeader: "Bad_Id'--"), HttpStatusCode.BadRequest);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, "/api/products", host: "localhost"), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/suspend")).StatusCode);
        var suspended = await TenancyClient.AssertProblemAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/products"), HttpStatusCode.Forbidden);
        Assert.Contains("suspended", suspended.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/resume")).StatusCode);
        Assert.Equal(["S-1"], await SkusAsync(tenant));

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Delete, $"/api/tenants/{tenant}")).StatusCode);
        await TenancyClient.AssertProblemAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/products"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, "/api/products", host: "localhost", tenantHeader: tenant), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Fifty_tenants_under_ten_thousand_concurrent_requests_never_see_another_tenants_row()
    {
        var tenants = new List<string>();
        string[] tiers = ["shared", "schema", "database"];
        for (var i = 0; i < 50; i++)
        {
            var tenant = await _client.CreateTenantOnTierAsync(tiers[i % tiers.Length]);
            for (var p = 0; p < 3; p++)
            {
                await _client.CreateProductAsync(tenant, $"{tenant}-{p}", $"product {p} of {tenant}");
            }

            tenants.Add(tenant);
        }

        var failures = new ConcurrentQueue<string>();
        var checkedRequests = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var tenant = tenants[i % tenants.Count];
            // Alternate how the tenant is named: its host, or the header on the platform host.
            using var response = i % 2 == 0
                ? await _client.AsTenant(tenant, HttpMethod.Get, "/api/products")
                : await _client.SendAsync(HttpMethod.Get, "/api/products", host: "localhost", tenantHeader: tenant);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"{tenant}: HTTP {(int)response.StatusCode}");
                return;
            }

            var skus = (await TenancyClient.ReadAsync(response)).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("sku").GetString()!).ToList();
            if (skus.Count != 3 || skus.Any(sku => !sku.StartsWith(tenant + "-", StringComparison.Ordinal)))
            {
                failures.Enqueue($"{tenant} saw [{string.Join(", ", skus)}]");
            }

            Interlocked.Increment(ref checkedRequests);
        });

        Assert.Empty(failures);
        Assert.Equal(10_000, checkedRequests);
    }

    private async Task<List<string>> SkusAsync(string tenant, string? host = null, string? header = null)
    {
        var response = await _client.SendAsync(HttpMethod.Get, "/api/products", host: host ?? $"{tenant}.localhost", tenantHeader: header);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await TenancyClient.ReadAsync(response)).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("sku").GetString()!)];
    }

    private static async Task<Guid> IdOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await TenancyClient.ReadAsync(response)).GetProperty("id").GetGuid();
    }
}

[Collection(AppHostCollection.Name)]
public sealed class IsolationTests(AppHostFixture fixture) : IsolationSuite(fixture);

[Collection(PgBouncerAppHostCollection.Name)]
public sealed class PgBouncerIsolationTests(PgBouncerAppHostFixture fixture) : IsolationSuite(fixture)
{
    [Fact]
    public void The_api_reaches_postgres_through_pgbouncer()
    {
        var pooler = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<LocalPgBouncerResource>().Single();

        // What the Api process was really given, read from its environment.
        var environment = ProcessTree.EnvironmentOf(fixture.App.ServiceProcessId("api"));
        var tenancyDb = environment.Single(e => e.StartsWith("ConnectionStrings__tenancydb=", StringComparison.Ordinal));

        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState("pgbouncer", out var state));
        Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
        Assert.Contains($"Port={pooler.PrimaryEndpoint.Port}", tenancyDb, StringComparison.Ordinal);
    }
}
