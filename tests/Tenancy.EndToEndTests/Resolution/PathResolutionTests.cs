using System.Net;

namespace Tenancy.EndToEndTests.Resolution;

/// <summary>The system with <c>Tenancy:EnablePathResolution</c> on, which no other fixture has.</summary>
public sealed class PathResolutionFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public TenancyClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await TestAppHost.CreateAsync();
        builder.CreateResourceBuilder<ProjectResource>("api").WithEnvironment("Tenancy__EnablePathResolution", "true");
        App = await builder.StartAsync();
        Client = new TenancyClient(App.CreateHttpClient("api"));
    }

    public async Task DisposeAsync()
    {
        Client?.Http.Dispose();
        if (App is not null)
        {
            await App.StopAndDeleteAsync();
        }
    }
}

/// <summary>
/// <c>/t/{identifier}/…</c> on the platform host reaches the tenant's endpoints through routing; a host or header
/// naming another tenant is a 400, another tenant's token a 403, and no answer ever carries another tenant's rows.
/// </summary>
public sealed class PathResolutionTests(PathResolutionFixture fixture) : IClassFixture<PathResolutionFixture>
{
    private readonly TenancyClient _client = fixture.Client;

    [Fact]
    public async Task The_path_prefix_resolves_the_tenant_and_reaches_its_endpoints_for_reads_writes_and_sign_in()
    {
        var (a, b) = (await _client.CreateTenantAsync(), await _client.CreateTenantAsync());
        await _client.CreateProductAsync(a, "A-1", "a's");
        await _client.CreateProductAsync(b, "B-1", "b's");

        // Signed in through the path too: the token is A's.
        var signIn = await _client.SendWithTokenAsync(null, HttpMethod.Post, $"/t/{a}/api/auth/token", new { email = TenancyClient.OwnerEmail(a), password = TenancyClient.OwnerPassword(a) });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var tokenA = (await TenancyClient.ReadAsync(signIn)).GetProperty("accessToken").GetString();

        Assert.Equal(["A-1"], await SkusAsync(await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, $"/t/{a}/api/products")));
        var created = await _client.SendWithTokenAsync(tokenA, HttpMethod.Post, $"/t/{a}/api/products", new { sku = "A-2", name = "by path", price = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await TenancyClient.ReadAsync(created)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, $"/t/{a}/api/products/{id}")).StatusCode);

        // Written to A, seen on A's own host; B untouched.
        Assert.Equal(["A-1", "A-2"], await SkusAsync(await _client.AsTenant(a, HttpMethod.Get, "/api/products")));
        Assert.Equal(["B-1"], await SkusAsync(await _client.AsTenant(b, HttpMethod.Get, "/api/products")));
        // The same path agreeing with the host and with the header is fine.
        Assert.Equal(HttpStatusCode.OK, (await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, $"/t/{a}/api/products", host: $"{a}.localhost")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, $"/t/{a}/api/products", tenantHeader: a)).StatusCode);
    }

    [Fact]
    public async Task A_host_or_header_naming_another_tenant_is_400_another_tenants_token_403_and_B_never_reads_A()
    {
        var (a, b) = (await _client.CreateTenantAsync(), await _client.CreateTenantAsync());
        var productA = await _client.CreateProductAsync(a, "SECRET-A", "a's secret");
        var tokenA = await _client.SignInAsOwnerAsync(a);
        var tokenB = await _client.SignInAsOwnerAsync(b);
        var platform = await _client.SignInAsync(null, TestAdmin.Email, TestAdmin.Password);

        var cases = new (string Case, HttpResponseMessage Response, HttpStatusCode Expected)[]
        {
            ("B's host, A's path, B's token", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/t/{a}/api/products", host: $"{b}.localhost"), HttpStatusCode.BadRequest),
            ("B's host, A's path, A's token", await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, $"/t/{a}/api/products", host: $"{b}.localhost"), HttpStatusCode.BadRequest),
            ("A's host, B's path", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/t/{b}/api/products", host: $"{a}.localhost"), HttpStatusCode.BadRequest),
            ("X-Tenant B, A's path", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/t/{a}/api/products", tenantHeader: b), HttpStatusCode.BadRequest),
            ("X-Tenant A, B's path", await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, $"/t/{b}/api/products", tenantHeader: a), HttpStatusCode.BadRequest),
            ("B's token on A's path", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/t/{a}/api/products"), HttpStatusCode.Forbidden),
            ("B's token on A's product by path", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/t/{a}/api/products/{productA}"), HttpStatusCode.Forbidden),
            ("B's token writing on A's path", await _client.SendWithTokenAsync(tokenB, HttpMethod.Post, $"/t/{a}/api/products", new { sku = "EVIL", name = "b's", price = 1 }), HttpStatusCode.Forbidden),
            ("the platform's token on A's path", await _client.SendWithTokenAsync(platform, HttpMethod.Get, $"/t/{a}/api/products"), HttpStatusCode.Forbidden),
            ("B signing in on A's path", await _client.SendWithTokenAsync(null, HttpMethod.Post, $"/t/{a}/api/auth/token", new { email = TenancyClient.OwnerEmail(b), password = TenancyClient.OwnerPassword(b) }), HttpStatusCode.Unauthorized),
            ("the admin API under A's path", await _client.SendWithTokenAsync(platform, HttpMethod.Get, $"/t/{a}/api/tenants"), HttpStatusCode.NotFound),
            ("an unknown tenant's path", await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, "/t/nobody-here/api/products"), HttpStatusCode.NotFound),
            ("a malformed identifier in the path", await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, "/t/NOT_valid/api/products"), HttpStatusCode.BadRequest),
            ("no token", await _client.SendWithTokenAsync(null, HttpMethod.Get, $"/t/{a}/api/products"), HttpStatusCode.Unauthorized),
        };

        foreach (var (name, response, expected) in cases)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("SECRET-A", body, StringComparison.Ordinal);
        }

        // Nothing B tried was written anywhere.
        Assert.Equal(["SECRET-A"], await SkusAsync(await _client.AsTenant(a, HttpMethod.Get, "/api/products")));
        Assert.Empty(await SkusAsync(await _client.AsTenant(b, HttpMethod.Get, "/api/products")));
    }

    private static async Task<List<string?>> SkusAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await TenancyClient.ReadAsync(response)).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("sku").GetString())];
    }
}
