using System.Net;

namespace Tenancy.EndToEndTests.Security;

/// <summary>
/// Signing keys rotate without downtime: add the new key, make it active, remove the old one after a token lifetime.
/// The platform admin here is one of its own, given on the AppHost's command line over <see cref="TestAdmin"/>'s.
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private const string AdminEmail = "rotation-admin@tests.localhost";
    private static readonly string AdminPassword = Convert.ToBase64String(SecuredSystem.NewKey());
    private static readonly byte[] OldKey = SecuredSystem.NewKey();
    private static readonly byte[] NewKey = SecuredSystem.NewKey();
    private SecuredSystem _system = null!;

    public async Task InitializeAsync() =>
        _system = await SecuredSystem.StartAsync("old", OldKey, $"--Tenancy:Admin:Email={AdminEmail}", $"--Tenancy:Admin:Password={AdminPassword}");

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Tokens_signed_with_the_old_key_keep_working_until_it_is_removed()
    {
        var client = _system.Client;
        var admin = await client.SignInAsync(null, AdminEmail, AdminPassword);
        await TenancyClient.AssertProblemAsync(await client.RequestTokenAsync(null, TestAdmin.Email, TestAdmin.Password), HttpStatusCode.Unauthorized);
        var tenant = TenancyClient.NewIdentifier("rot");
        var (email, password) = (TenancyClient.OwnerEmail(tenant), TenancyClient.OwnerPassword(tenant));
        var created = await client.SendWithTokenAsync(admin, HttpMethod.Post, "/api/tenants", new { identifier = tenant, name = "Rotating", owner = new { email, password } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var host = $"{tenant}.localhost";
        var oldToken = await client.SignInAsync(tenant, email, password);
        Assert.Equal("old", TestTokens.ReadHeader(oldToken).GetProperty("kid").GetString());

        // Step 1: both keys listed, the new one signs.
        await _system.RestartApiAsync(("Tenancy__Auth__SigningKeys__new", Convert.ToBase64String(NewKey)), ("Tenancy__Auth__ActiveKeyId", "new"));
        var newToken = await client.SignInAsync(tenant, email, password);
        Assert.Equal("new", TestTokens.ReadHeader(newToken).GetProperty("kid").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithTokenAsync(oldToken, HttpMethod.Get, "/api/products", host: host)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithTokenAsync(newToken, HttpMethod.Get, "/api/products", host: host)).StatusCode);

        // Step 2: the old key removed; its tokens stop working, the new ones do not.
        await _system.RestartApiAsync(("Tenancy__Auth__SigningKeys__old", ""));
        await TenancyClient.AssertProblemAsync(await client.SendWithTokenAsync(oldToken, HttpMethod.Get, "/api/products", host: host), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithTokenAsync(newToken, HttpMethod.Get, "/api/products", host: host)).StatusCode);
        // A token made with the old key after its removal is refused too, whatever kid it claims.
        var forged = TestTokens.Sign(OldKey, "new", TestTokens.ReadClaims(newToken).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value));
        await TenancyClient.AssertProblemAsync(await client.SendWithTokenAsync(forged, HttpMethod.Get, "/api/products", host: host), HttpStatusCode.Unauthorized);
    }
}
