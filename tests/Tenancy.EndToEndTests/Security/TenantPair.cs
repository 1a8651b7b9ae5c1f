using System.Net;

namespace Tenancy.EndToEndTests.Security;

/// <summary>Tenant A with one of everything, tenant B empty, and both owners' tokens: the setting of every attack.</summary>
public sealed record TenantPair(
    string A,
    string B,
    Guid TenantIdA,
    Guid TenantIdB,
    string TokenA,
    string TokenB,
    Guid OwnerIdA,
    Guid ProductA,
    Guid CustomerA,
    Guid LocationA,
    Guid OrderA)
{
    public const string SecretSku = "A-SECRET-SKU";

    public static async Task<TenantPair> CreateAsync(TenancyClient client)
    {
        var (a, b) = (await client.CreateTenantAsync(), await client.CreateTenantAsync());
        var product = await client.CreateProductAsync(a, SecretSku, "a's secret product");
        var customer = await client.CreateAsync(a, "/api/customers", new { name = "A's customer", email = "buyer@a.example" });
        var location = await client.CreateAsync(a, "/api/locations", new { name = "A's shop", code = "A1" });
        var order = await client.CreateAsync(a, "/api/orders", new
        {
            customerId = customer,
            locationId = location,
            lines = new[] { new { productId = product, quantity = 2 } },
        });
        var owner = (await TenancyClient.ReadAsync(await client.AsTenant(a, HttpMethod.Get, "/api/members")))[0].GetProperty("userId").GetGuid();
        return new TenantPair(
            a,
            b,
            await TenantIdAsync(client, a),
            await TenantIdAsync(client, b),
            await client.SignInAsOwnerAsync(a),
            await client.SignInAsOwnerAsync(b),
            owner,
            product,
            customer,
            location,
            order);
    }

    /// <summary>Every tenant endpoint, with a body where it takes one, naming A's rows where it takes an id.</summary>
    public IReadOnlyList<(HttpMethod Method, string Path, object? Body)> TenantEndpoints() =>
    [
        (HttpMethod.Get, "/api/products", null),
        (HttpMethod.Post, "/api/products", new { sku = "X-1", name = "x", price = 1 }),
        (HttpMethod.Get, $"/api/products/{ProductA}", null),
        (HttpMethod.Put, $"/api/products/{ProductA}", new { sku = "STOLEN", name = "x", price = 0 }),
        (HttpMethod.Delete, $"/api/products/{ProductA}", null),
        (HttpMethod.Get, "/api/customers", null),
        (HttpMethod.Post, "/api/customers", new { name = "x" }),
        (HttpMethod.Get, $"/api/customers/{CustomerA}", null),
        (HttpMethod.Put, $"/api/customers/{CustomerA}", new { name = "stolen" }),
        (HttpMethod.Delete, $"/api/customers/{CustomerA}", null),
        (HttpMethod.Get, "/api/locations", null),
        (HttpMethod.Post, "/api/locations", new { name = "x", code = "X" }),
        (HttpMethod.Get, $"/api/locations/{LocationA}", null),
        (HttpMethod.Put, $"/api/locations/{LocationA}", new { name = "stolen", code = "S" }),
        (HttpMethod.Delete, $"/api/locations/{LocationA}", null),
        (HttpMethod.Get, "/api/orders", null),
        (HttpMethod.Post, "/api/orders", new { customerId = CustomerA, locationId = LocationA, lines = new[] { new { productId = ProductA, quantity = 1 } } }),
        (HttpMethod.Get, $"/api/orders/{OrderA}", null),
        (HttpMethod.Get, $"/api/notifications?orderId={OrderA}", null),
        (HttpMethod.Get, "/api/reports/daily-sales?date=2026-01-01", null),
        (HttpMethod.Get, "/api/members", null),
        (HttpMethod.Post, "/api/members", new { email = "intruder@evil.example", password = "correct horse battery staple", role = "owner" }),
        (HttpMethod.Put, $"/api/members/{OwnerIdA}", new { role = "member" }),
        (HttpMethod.Delete, $"/api/members/{OwnerIdA}", null),
        (HttpMethod.Get, "/api/files", null),
        (HttpMethod.Put, "/api/files/a-secret.txt", new { text = "overwritten" }),
        (HttpMethod.Get, "/api/files/a-secret.txt", null),
        (HttpMethod.Delete, "/api/files/a-secret.txt", null),
        (HttpMethod.Get, "/api/file-links/a-secret.txt", null),
        (HttpMethod.Get, "/api/file-usage", null),
        (HttpMethod.Get, $"/api/products/{ProductA}/image", null),
        (HttpMethod.Put, $"/api/products/{ProductA}/image", new { image = "stolen" }),
    ];

    /// <summary>Every platform endpoint.</summary>
    public IReadOnlyList<(HttpMethod Method, string Path, object? Body)> PlatformEndpoints() =>
    [
        (HttpMethod.Get, "/api/tenants", null),
        (HttpMethod.Post, "/api/tenants", new { identifier = TenancyClient.NewIdentifier("x"), name = "x" }),
        (HttpMethod.Get, $"/api/tenants/{A}", null),
        (HttpMethod.Post, $"/api/tenants/{A}/suspend", null),
        (HttpMethod.Post, $"/api/tenants/{A}/resume", null),
        (HttpMethod.Delete, $"/api/tenants/{A}", null),
        (HttpMethod.Post, $"/api/tenants/{A}/domains", new { host = "stolen.example.com" }),
        (HttpMethod.Delete, $"/api/tenants/{A}/domains/x.example.com", null),
        (HttpMethod.Post, $"/api/tenants/{A}/cache/purge", null),
        (HttpMethod.Post, "/api/jobs/daily-sales-summaries?date=2026-01-01", null),
        (HttpMethod.Get, "/jobs", null),
    ];

    /// <summary>A's data is intact: the product, customer, location and order, and A's owner still an owner.</summary>
    public async Task AssertAIntactAsync(TenancyClient client)
    {
        var product = await TenancyClient.ReadAsync(await client.AsTenant(A, HttpMethod.Get, $"/api/products/{ProductA}"));
        Assert.Equal(SecretSku, product.GetProperty("sku").GetString());
        Assert.Equal("A's customer", (await TenancyClient.ReadAsync(await client.AsTenant(A, HttpMethod.Get, $"/api/customers/{CustomerA}"))).GetProperty("name").GetString());
        Assert.Equal("A1", (await TenancyClient.ReadAsync(await client.AsTenant(A, HttpMethod.Get, $"/api/locations/{LocationA}"))).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.AsTenant(A, HttpMethod.Get, $"/api/orders/{OrderA}")).StatusCode);
        var members = await TenancyClient.ReadAsync(await client.AsTenant(A, HttpMethod.Get, "/api/members"));
        Assert.Equal([("owner", OwnerIdA)], members.EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("userId").GetGuid())));
        var tenant = await TenancyClient.ReadAsync(await client.SendAsync(HttpMethod.Get, $"/api/tenants/{A}"));
        Assert.Equal("active", tenant.GetProperty("status").GetString());
    }

    private static async Task<Guid> TenantIdAsync(TenancyClient client, string identifier) =>
        (await TenancyClient.ReadAsync(await client.SendAsync(HttpMethod.Get, $"/api/tenants/{identifier}"))).GetProperty("id").GetGuid();
}
