using System.Net;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Security;

/// <summary>Sign-in, tokens, roles, plan limits and sign-in limits, through the whole system.</summary>
[Collection(SecurityCollection.Name)]
public sealed class AuthenticationTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private readonly TenancyClient _client = fixture.Client;

    [Fact]
    public async Task A_new_tenants_owner_signs_in_and_creates_data_that_another_tenants_owner_cannot_reach_by_any_route_token_or_header()
    {
        var (a, b) = (await _client.CreateTenantAsync(TenancyClient.NewIdentifier("own")), await _client.CreateTenantAsync(TenancyClient.NewIdentifier("oth")));
        var tokenA = await _client.SignInAsOwnerAsync(a);
        var tokenB = await _client.SignInAsOwnerAsync(b);
        var created = await _client.SendWithTokenAsync(tokenA, HttpMethod.Post, "/api/products", new { sku = "MINE", name = "a's own", price = 5 }, host: $"{a}.localhost");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var product = (await TenancyClient.ReadAsync(created)).GetProperty("id").GetGuid();

        // B's owner, with B's token: on A's host, on B's host with A's id, with A named by header, on the platform.
        var attempts = new (string Case, HttpResponseMessage Response, HttpStatusCode Expected)[]
        {
            ("B's token on A's host", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/api/products/{product}", host: $"{a}.localhost"), HttpStatusCode.Forbidden),
            ("B's token on A's host, list", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, "/api/products", host: $"{a}.localhost"), HttpStatusCode.Forbidden),
            ("A's id on B's host", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/api/products/{product}", host: $"{b}.localhost"), HttpStatusCode.NotFound),
            ("A's id, delete, on B's host", await _client.SendWithTokenAsync(tokenB, HttpMethod.Delete, $"/api/products/{product}", host: $"{b}.localhost"), HttpStatusCode.NotFound),
            ("X-Tenant: A on the platform host", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, "/api/products", tenantHeader: a), HttpStatusCode.Forbidden),
            ("X-Tenant: A on B's host", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, "/api/products", host: $"{b}.localhost", tenantHeader: a), HttpStatusCode.BadRequest),
            ("path prefix /t/A", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/t/{a}/api/products", host: $"{b}.localhost"), HttpStatusCode.NotFound),
            ("admin API with B's token", await _client.SendWithTokenAsync(tokenB, HttpMethod.Get, $"/api/tenants/{a}"), HttpStatusCode.Forbidden),
            ("B signs in on A's host", await _client.RequestTokenAsync(a, TenancyClient.OwnerEmail(b), TenancyClient.OwnerPassword(b)), HttpStatusCode.Unauthorized),
        };

        foreach (var (name, response, expected) in attempts)
        {
            output.WriteLine($"{name}: {(int)response.StatusCode}");
            Assert.True(expected == response.StatusCode, $"{name}: expected {expected}, got {response.StatusCode}");
            Assert.DoesNotContain("a's own", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var mine = await _client.SendWithTokenAsync(tokenA, HttpMethod.Get, $"/api/products/{product}", host: $"{a}.localhost");
        Assert.Equal("a's own", (await TenancyClient.ReadAsync(mine)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Missing_malformed_forged_and_expired_tokens_get_401_problem_details()
    {
        var pair = await TenantPair.CreateAsync(_client);
        // The owner's current security stamp, so that each case below fails for the one reason it names.
        var stamp = TestTokens.ReadClaims(pair.TokenA).GetProperty("sst").GetString();
        var claims = TestTokens.TenantClaims(pair.OwnerIdA, pair.TenantIdA, pair.A, securityStamp: stamp);
        var past = TestTokens.TenantClaims(pair.OwnerIdA, pair.TenantIdA, pair.A, DateTimeOffset.UtcNow.AddHours(-1), stamp);
        var future = TestTokens.TenantClaims(pair.OwnerIdA, pair.TenantIdA, pair.A, DateTimeOffset.UtcNow.AddHours(1), stamp);
        var real = pair.TokenA;
        var tampered = real.Split('.') is var parts ? $"{parts[0]}.{TestTokens.Sign([], null, TestTokens.TenantClaims(pair.OwnerIdA, pair.TenantIdB, pair.B)).Split('.')[1]}.{parts[2]}" : "";
        var key = SecurityFixture.Key;
        var cases = new (string Case, string? Authorization)[]
        {
            ("no Authorization header", null),
            ("not a JWT", "Bearer not-a-token"),
            ("empty bearer", "Bearer "),
            ("Basic scheme", "Basic " + Convert.ToBase64String("a:b"u8.ToArray())),
            ("alg none", "Bearer " + TestTokens.Sign([], SecurityFixture.KeyId, claims, "none")),
            ("signed with another key", "Bearer " + TestTokens.Sign(SecuredSystem.NewKey(), SecurityFixture.KeyId, claims)),
            ("unknown key id", "Bearer " + TestTokens.Sign(SecuredSystem.NewKey(), "k-unknown", claims)),
            ("expired", "Bearer " + TestTokens.Sign(key, SecurityFixture.KeyId, past)),
            ("not yet valid", "Bearer " + TestTokens.Sign(key, SecurityFixture.KeyId, future)),
            ("wrong issuer", "Bearer " + TestTokens.Sign(key, SecurityFixture.KeyId, new Dictionary<string, object>(claims) { ["iss"] = "evil" })),
            ("wrong audience", "Bearer " + TestTokens.Sign(key, SecurityFixture.KeyId, new Dictionary<string, object>(claims) { ["aud"] = "someone-else" })),
            ("no expiry", "Bearer " + TestTokens.Sign(key, SecurityFixture.KeyId, claims.Where(c => c.Key != "exp").ToDictionary())),
            ("no security stamp", "Bearer " + TestTokens.Sign(key, SecurityFixture.KeyId, claims.Where(c => c.Key != "sst").ToDictionary())),
            ("another security stamp", "Bearer " + TestTokens.Sign(key, SecurityFixture.KeyId, new Dictionary<string, object>(claims) { ["sst"] = Guid.NewGuid().ToString("N") })),
            ("payload swapped under a real signature", "Bearer " + tampered),
            ("signature cut", "Bearer " + real[..real.LastIndexOf('.')] + ".AAAA"),
        };

        var checkedCount = 0;
        foreach (var (name, authorization) in cases)
        {
            foreach (var host in new string?[] { $"{pair.A}.localhost", null })
            {
                var request = TenancyClient.NewRequest(HttpMethod.Get, host is null ? "/api/tenants" : "/api/products", host: host);
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                }

                var response = await _client.Anonymous.SendAsync(request);
                var problem = await TenancyClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
                Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(TenantPair.SecretSku, problem.ToString(), StringComparison.Ordinal);
                checkedCount++;
            }
        }

        output.WriteLine($"{checkedCount} requests, all 401 problem details");
        // The same claims, correctly signed, are accepted: the cases above fail for the reason they name.
        var wellFormed = await _client.SendWithTokenAsync(TestTokens.Sign(key, SecurityFixture.KeyId, claims), HttpMethod.Get, "/api/products", host: $"{pair.A}.localhost");
        Assert.Equal(HttpStatusCode.OK, wellFormed.StatusCode);
    }

    [Fact]
    public async Task Members_read_admins_write_and_only_owners_manage_owners()
    {
        var tenant = await _client.CreateTenantAsync();
        var member = await AddMemberAsync(tenant, "member", "reader");
        var admin = await AddMemberAsync(tenant, "admin", "writer");
        var memberToken = await _client.SignInAsync(tenant, member.Email, member.Password);
        var adminToken = await _client.SignInAsync(tenant, admin.Email, admin.Password);
        var host = $"{tenant}.localhost";

        Assert.Equal(HttpStatusCode.OK, (await _client.SendWithTokenAsync(memberToken, HttpMethod.Get, "/api/products", host: host)).StatusCode);
        var denied = await TenancyClient.AssertProblemAsync(
            await _client.SendWithTokenAsync(memberToken, HttpMethod.Post, "/api/products", new { sku = "M", name = "m", price = 1 }, host: host), HttpStatusCode.Forbidden);
        Assert.Contains("'admin' role", denied.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await _client.SendWithTokenAsync(adminToken, HttpMethod.Post, "/api/products", new { sku = "A", name = "a", price = 1 }, host: host)).StatusCode);

        var owner = (await TenancyClient.ReadAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/members"))).EnumerateArray().Single(m => m.GetProperty("role").GetString() == "owner").GetProperty("userId").GetGuid();
        await TenancyClient.AssertProblemAsync(await _client.SendWithTokenAsync(adminToken, HttpMethod.Delete, $"/api/members/{owner}", host: host), HttpStatusCode.Conflict);
        await TenancyClient.AssertProblemAsync(
            await _client.SendWithTokenAsync(adminToken, HttpMethod.Put, $"/api/members/{member.Id}", new { role = "owner" }, host: host), HttpStatusCode.Conflict);
        await TenancyClient.AssertProblemAsync(
            await _client.SendWithTokenAsync(adminToken, HttpMethod.Post, "/api/members", new { email = "new-owner@x.example", password = "long enough password", role = "owner" }, host: host), HttpStatusCode.Conflict);
        // The last owner cannot leave, even by their own hand.
        await TenancyClient.AssertProblemAsync(await _client.AsTenant(tenant, HttpMethod.Delete, $"/api/members/{owner}"), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await _client.AsTenant(tenant, HttpMethod.Put, $"/api/members/{member.Id}", new { role = "admin" })).StatusCode);
        // A role change takes effect on the next request, with the same token.
        Assert.Equal(HttpStatusCode.Created, (await _client.SendWithTokenAsync(memberToken, HttpMethod.Post, "/api/products", new { sku = "M", name = "m", price = 1 }, host: host)).StatusCode);
    }

    [Fact]
    public async Task A_user_can_belong_to_two_tenants_with_a_token_for_each()
    {
        var (first, second) = (await _client.CreateTenantAsync(), await _client.CreateTenantAsync());
        var user = await AddMemberAsync(first, "member", "both");
        // An existing user joins another tenant by accepting its invitation; their password stays theirs.
        Assert.Equal(HttpStatusCode.Accepted, (await _client.InviteAsync(second, user.Email, "admin")).StatusCode);
        var token = await _client.Mailbox!.TokenForAsync(second, user.Email);
        Assert.Equal(HttpStatusCode.OK, (await _client.AcceptInvitationAsync(second, token, password: null)).StatusCode);

        var firstToken = await _client.SignInAsync(first, user.Email, user.Password);
        var secondToken = await _client.SignInAsync(second, user.Email, user.Password);

        Assert.Equal(first, TestTokens.ReadClaims(firstToken).GetProperty("tenant").GetString());
        Assert.Equal(HttpStatusCode.Created, (await _client.SendWithTokenAsync(secondToken, HttpMethod.Post, "/api/customers", new { name = "c" }, host: $"{second}.localhost")).StatusCode);
        // The same person, but the token for the first tenant opens nothing on the second.
        await TenancyClient.AssertProblemAsync(await _client.SendWithTokenAsync(firstToken, HttpMethod.Get, "/api/customers", host: $"{second}.localhost"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_plans_user_limit_is_a_conflict_naming_the_limit()
    {
        var tenant = await _client.CreateTenantAsync(plan: "trial"); // trial: 3 users, the owner included
        await AddMemberAsync(tenant, "member", "second");
        await AddMemberAsync(tenant, "member", "third");

        var fourth = await _client.AsTenant(tenant, HttpMethod.Post, "/api/members", new { email = $"fourth@{tenant}.example", password = "long enough password" });

        var problem = await TenancyClient.AssertProblemAsync(fourth, HttpStatusCode.Conflict);
        Assert.Equal("users", problem.GetProperty("limit").GetString());
        Assert.Equal(3, (await TenancyClient.ReadAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/members"))).GetArrayLength());
        await TenancyClient.AssertProblemAsync(await _client.RequestTokenAsync(tenant, $"fourth@{tenant}.example", "long enough password"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_bad_owner_refuses_the_tenant_and_creates_nothing()
    {
        var identifier = TenancyClient.NewIdentifier();
        var response = await _client.SendAsync(HttpMethod.Post, "/api/tenants", new { identifier, name = "x", owner = new { email = "not-an-email", password = "short" } });
        var noPassword = await _client.SendAsync(HttpMethod.Post, "/api/tenants", new { identifier, name = "x", owner = new { email = $"new@{identifier}.example" } });

        var problem = await TenancyClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["owner.email", "owner.password"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        await TenancyClient.AssertProblemAsync(noPassword, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{identifier}")).StatusCode);
    }

    [Fact]
    public async Task Repeated_failures_back_off_the_address_and_sign_in_is_rate_limited_per_tenant_and_address()
    {
        var (tenant, other) = (await _client.CreateTenantAsync(), await _client.CreateTenantAsync());
        var user = await AddMemberAsync(tenant, "member", "guessed");
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((int)(await _client.RequestTokenAsync(tenant, user.Email, $"wrong password {i}")).StatusCode);
        }

        // Backed off: from this address the right password is refused too, with the same answer as a wrong one.
        var backedOff = await _client.RequestTokenAsync(tenant, user.Email, user.Password);
        statuses.Add((int)backedOff.StatusCode);
        // The owner's sign-in and the invitation's acceptance (to add the member) took a permit each of this tenant and address: 10 in all.
        statuses.Add((int)(await _client.RequestTokenAsync(tenant, user.Email, user.Password)).StatusCode);

        var limited = await _client.RequestTokenAsync(tenant, user.Email, user.Password);
        output.WriteLine($"statuses: {string.Join(", ", statuses)}, then {(int)limited.StatusCode}");

        Assert.Equal(Enumerable.Repeat(401, 8), statuses);
        await TenancyClient.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        // Another tenant's sign-in from the same address is not slowed down.
        await _client.SignInAsOwnerAsync(other);
        // The platform admin's account is separate.
        Assert.Equal(HttpStatusCode.OK, (await _client.RequestTokenAsync(null, TestAdmin.Email, TestAdmin.Password)).StatusCode);
    }

    [Fact]
    public async Task Platform_tokens_work_on_the_platform_only_and_tenant_tokens_never_there()
    {
        var tenant = await _client.CreateTenantAsync();
        var platformToken = await _client.SignInAsync(null, TestAdmin.Email, TestAdmin.Password);
        var tenantToken = await _client.SignInAsOwnerAsync(tenant);

        Assert.Equal("admin", TestTokens.ReadClaims(platformToken).GetProperty("platform").GetString());
        Assert.Equal(SecurityFixture.KeyId, TestTokens.ReadHeader(platformToken).GetProperty("kid").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _client.SendWithTokenAsync(platformToken, HttpMethod.Get, "/api/tenants")).StatusCode);
        await TenancyClient.AssertProblemAsync(await _client.SendWithTokenAsync(platformToken, HttpMethod.Get, "/api/products", host: $"{tenant}.localhost"), HttpStatusCode.Forbidden);
        await TenancyClient.AssertProblemAsync(await _client.SendWithTokenAsync(tenantToken, HttpMethod.Get, "/api/tenants"), HttpStatusCode.Forbidden);
        // The admin's password does not open a tenant, nor an owner's the platform.
        await TenancyClient.AssertProblemAsync(await _client.RequestTokenAsync(tenant, TestAdmin.Email, TestAdmin.Password), HttpStatusCode.Unauthorized);
        await TenancyClient.AssertProblemAsync(await _client.RequestTokenAsync(null, TenancyClient.OwnerEmail(tenant), TenancyClient.OwnerPassword(tenant)), HttpStatusCode.Unauthorized);
        var me = await TenancyClient.ReadAsync(await _client.SendWithTokenAsync(platformToken, HttpMethod.Get, "/api/auth/me"));
        Assert.True(me.GetProperty("platformAdmin").GetBoolean());
        await TenancyClient.AssertProblemAsync(await _client.SendWithTokenAsync(null, HttpMethod.Get, "/api/auth/me"), HttpStatusCode.Unauthorized);
    }

    private async Task<(Guid Id, string Email, string Password)> AddMemberAsync(string tenant, string role, string name)
    {
        var email = $"{name}@{tenant}.example";
        // Not containing the e-mail's local part, which the password rules refuse.
        var password = $"pass phrase {Guid.NewGuid():N}";
        return (await _client.AddMemberAsync(tenant, email, password, role), email, password);
    }
}
