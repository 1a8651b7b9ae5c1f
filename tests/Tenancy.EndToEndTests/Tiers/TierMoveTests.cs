using System.Net;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Tiers;

/// <summary>Moves through the running Api: after each, the tenant's hosts serve the same data from the new tier.</summary>
[Collection(AppHostCollection.Name)]
public sealed class TierMoveTests(AppHostFixture fixture)
{
    private readonly TenancyClient _client = new(fixture.Api);

    [Fact]
    public async Task Schema_to_database_to_shared_to_schema_serves_the_same_data_after_each_move()
    {
        var tenant = await _client.CreateTenantOnTierAsync("schema");
        var neighbour = await _client.CreateTenantOnTierAsync("shared");
        await _client.CreateProductAsync(neighbour, "N-1", "neighbour's");
        await SeedAsync(tenant);
        var before = await SnapshotAsync(tenant);
        Assert.Equal(3, before.GetProperty("products").GetProperty("data").GetArrayLength());

        foreach (var tier in new[] { "database", "shared", "schema" })
        {
            var report = await _client.MoveTenantAsync(tenant, tier);
            Assert.Equal(3, report.GetProperty("tables").GetProperty("products").GetProperty("rows").GetInt64());

            var registry = await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}"));
            Assert.Equal(tier, registry.GetProperty("isolation").GetString(), ignoreCase: true);
            Assert.Equal(before.ToString(), (await SnapshotAsync(tenant)).ToString());
        }

        // Still writable on its new tier; the neighbour never noticed.
        await _client.CreateProductAsync(tenant, "AFTER", "after the moves");
        var neighbourSkus = (await TenancyClient.ReadAsync(await _client.AsTenant(neighbour, HttpMethod.Get, "/api/products"))).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("sku").GetString());
        Assert.Equal(["N-1"], neighbourSkus);
    }

    [Fact]
    public async Task A_move_to_an_unknown_tier_or_connection_is_a_problem_and_changes_nothing()
    {
        var tenant = await _client.CreateTenantOnTierAsync("schema");

        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/move", new { to = "cloud" }), HttpStatusCode.BadRequest);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/move", new { to = "database", connectionReference = "nowhere" }), HttpStatusCode.BadRequest);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/move", new { to = "schema" }), HttpStatusCode.Conflict);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Post, "/api/tenants/nobody-here/move", new { to = "shared" }), HttpStatusCode.NotFound);
        var registry = await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}"));
        Assert.Equal("schema", registry.GetProperty("isolation").GetString(), ignoreCase: true);
    }

    private async Task SeedAsync(string tenant)
    {
        var products = new List<Guid>();
        for (var i = 1; i <= 3; i++)
        {
            products.Add(await _client.CreateProductAsync(tenant, $"S-{i}", $"Product {i}", 2.5m * i));
        }

        var customer = await IdOf(await _client.AsTenant(tenant, HttpMethod.Post, "/api/customers", new { name = "Ada", email = "ada@example.com" }));
        var location = await IdOf(await _client.AsTenant(tenant, HttpMethod.Post, "/api/locations", new { name = "Shop", code = "S1" }));
        var order = await _client.AsTenant(tenant, HttpMethod.Post, "/api/orders", new
        {
            customerId = customer,
            locationId = location,
            lines = new[] { new { productId = products[0], quantity = 2 }, new { productId = products[2], quantity = 1 } },
        });
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
    }

    /// <summary>Everything the tenant's host lists, as one JSON document.</summary>
    private async Task<JsonElement> SnapshotAsync(string tenant)
    {
        var parts = new Dictionary<string, JsonElement>();
        foreach (var list in new[] { "products", "customers", "locations", "orders" })
        {
            var response = await _client.AsTenant(tenant, HttpMethod.Get, $"/api/{list}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            parts[list] = await TenancyClient.ReadAsync(response);
        }

        return JsonSerializer.SerializeToElement(parts);
    }

    private static async Task<Guid> IdOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await TenancyClient.ReadAsync(response)).GetProperty("id").GetGuid();
    }
}
