using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tenancy.EndToEndTests;

/// <summary>
/// Talks to the Api as the platform or as a tenant (by host or by X-Tenant header), over real HTTP, signed in
/// transparently: platform calls as <see cref="TestAdmin"/>, tenant calls as the tenant's owner, whom
/// <see cref="CreateTenantAsync"/> creates with the tenant (<see cref="OwnerEmail"/>, <see cref="OwnerPassword"/>).
/// Requests that already carry an Authorization header are sent as they are; <see cref="Anonymous"/> sends none.
/// </summary>
public sealed partial class TenancyClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Shared by every client of the process: tokens per (Api address, principal), tenants per custom domain.
    private static readonly ConcurrentDictionary<string, Lazy<Task<CachedToken>>> Tokens = new();
    private static readonly ConcurrentDictionary<string, string> TenantsByDomain = new(StringComparer.OrdinalIgnoreCase);
    private static readonly byte[] OwnerPasswordKey = RandomNumberGenerator.GetBytes(32);

    public TenancyClient(HttpClient http)
    {
        Anonymous = http;
        Http = new HttpClient(new SigningInHandler(this, http), disposeHandler: true) { BaseAddress = http.BaseAddress, Timeout = http.Timeout };
    }

    /// <summary>Signs in as whoever the request's host or X-Tenant header calls for.</summary>
    public HttpClient Http { get; }

    /// <summary>The underlying client: no token unless the caller adds one.</summary>
    public HttpClient Anonymous { get; }

    public static string NewIdentifier(string prefix = "e") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public static string OwnerEmail(string identifier) => $"owner@{identifier}.example";

    /// <summary>Derived from the identifier with a key of this test run, so any client of the process can sign in as the owner.</summary>
    public static string OwnerPassword(string identifier) =>
        Convert.ToBase64String(HMACSHA256.HashData(OwnerPasswordKey, Encoding.UTF8.GetBytes(identifier)));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? host = null, string? tenantHeader = null) =>
        Http.SendAsync(NewRequest(method, path, body, host, tenantHeader));

    /// <summary>Sends without signing in, with <paramref name="token"/> as the bearer token when given.</summary>
    public Task<HttpResponseMessage> SendWithTokenAsync(string? token, HttpMethod method, string path, object? body = null, string? host = null, string? tenantHeader = null) =>
        Anonymous.SendAsync(NewRequest(method, path, body, host, tenantHeader, token));

    public Task<HttpResponseMessage> AsTenant(string identifier, HttpMethod method, string path, object? body = null) =>
        SendAsync(method, path, body, host: $"{identifier}.localhost");

    public Task<string> CreateTenantAsync(string? identifier = null, string plan = "standard", params string[] domains) =>
        PostTenantAsync(identifier ?? NewIdentifier(), plan, domains, isolation: null);

    /// <summary>A tenant on the tier <paramref name="isolation"/> (shared, schema or database).</summary>
    public Task<string> CreateTenantOnTierAsync(string isolation, string? identifier = null) =>
        PostTenantAsync(identifier ?? NewIdentifier(isolation[..2]), "standard", [], isolation);

    private async Task<string> PostTenantAsync(string identifier, string plan, string[] domains, string? isolation)
    {
        foreach (var domain in domains)
        {
            TenantsByDomain[domain.TrimEnd('.')] = identifier;
        }

        var response = await SendAsync(HttpMethod.Post, "/api/tenants", new
        {
            identifier,
            name = $"Tenant {identifier}",
            plan,
            domains,
            isolation,
            owner = new { email = OwnerEmail(identifier), password = OwnerPassword(identifier) },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return identifier;
    }

    public Task<Guid> CreateProductAsync(string identifier, string sku, string name, decimal price = 10) =>
        CreateAsync(identifier, "/api/products", new { sku, name, price });

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> as the tenant's owner; asserts 201 and returns the new id.</summary>
    public async Task<Guid> CreateAsync(string identifier, string path, object body)
    {
        var response = await AsTenant(identifier, HttpMethod.Post, path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync(response)).GetProperty("id").GetGuid();
    }

    /// <summary>Where invitations are delivered; needed by <see cref="AddMemberAsync"/>.</summary>
    public InvitationMailbox? Mailbox { get; init; }

    /// <summary>
    /// Adds a member as the tenant's owner does and the invitee would: invites (asserts 202), reads the token the
    /// invitee was sent, accepts with <paramref name="password"/> (asserts 200); returns the user's id.
    /// </summary>
    public async Task<Guid> AddMemberAsync(string identifier, string email, string password, string role)
    {
        var invited = await InviteAsync(identifier, email, role);
        Assert.True(invited.StatusCode == HttpStatusCode.Accepted, await invited.Content.ReadAsStringAsync());
        var mailbox = Mailbox ?? throw new InvalidOperationException("This client has no mailbox to read invitations from.");
        var accepted = await AcceptInvitationAsync(identifier, await mailbox.TokenForAsync(identifier, email), password);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        return (await ReadAsync(accepted)).GetProperty("userId").GetGuid();
    }

    /// <summary>POST /api/members as the tenant's owner.</summary>
    public Task<HttpResponseMessage> InviteAsync(string identifier, string email, string role) =>
        AsTenant(identifier, HttpMethod.Post, "/api/members", new { email, role });

    /// <summary>POST /api/invitations/accept on the tenant's host, without a token.</summary>
    public Task<HttpResponseMessage> AcceptInvitationAsync(string identifier, string token, string? password) =>
        SendWithTokenAsync(null, HttpMethod.Post, "/api/invitations/accept", new { token, password }, host: $"{identifier}.localhost");

    /// <summary>POST /api/auth/token on the tenant's host (or the platform's when <paramref name="identifier"/> is null).</summary>
    public Task<HttpResponseMessage> RequestTokenAsync(string? identifier, string email, string password) =>
        SendWithTokenAsync(null, HttpMethod.Post, "/api/auth/token", new { email, password }, host: identifier is null ? null : $"{identifier}.localhost");

    /// <summary>Signs in and returns the access token; fails the test when sign-in fails.</summary>
    public async Task<string> SignInAsync(string? identifier, string email, string password)
    {
        var response = await RequestTokenAsync(identifier, email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Signs in as the owner <see cref="CreateTenantAsync"/> gave the tenant.</summary>
    public Task<string> SignInAsOwnerAsync(string identifier) => SignInAsync(identifier, OwnerEmail(identifier), OwnerPassword(identifier));

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);

    /// <summary>Asserts an RFC 7807 problem with <paramref name="status"/>, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadAsync(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>A request as <see cref="SendWithTokenAsync"/> sends it, for tests that add what it cannot (raw headers or body).</summary>
    public static HttpRequestMessage NewRequest(HttpMethod method, string path, object? body = null, string? host = null, string? tenantHeader = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (tenantHeader is not null)
        {
            request.Headers.Add("X-Tenant", tenantHeader);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return request;
    }

    /// <summary>
    /// The tenant a request is for, as the Api will resolve it (X-Tenant, else the host; a custom domain is looked up
    /// with the admin API once); null for the platform.
    /// </summary>
    private async Task<string?> TenantOfAsync(HttpRequestMessage request)
    {
        if (request.Headers.TryGetValues("X-Tenant", out var header) && header.ToList() is [var named])
        {
            return named;
        }

        var host = (request.Headers.Host ?? request.RequestUri?.Host ?? "").Split(':')[0].TrimEnd('.').ToLowerInvariant();
        if (host.EndsWith(".localhost", StringComparison.Ordinal))
        {
            var label = host[..^".localhost".Length];
            return label.Contains('.', StringComparison.Ordinal) || label is "admin" or "www" ? null : label;
        }

        if (host == "localhost" || System.Net.IPAddress.TryParse(host, out _) || !host.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        if (!TenantsByDomain.TryGetValue(host, out var owner))
        {
            var tenants = await ReadAsync(await Http.GetAsync("/api/tenants"));
            foreach (var tenant in tenants.EnumerateArray())
            {
                foreach (var domain in tenant.GetProperty("domains").EnumerateArray())
                {
                    TenantsByDomain[domain.GetProperty("host").GetString()!] = tenant.GetProperty("identifier").GetString()!;
                }
            }

            TenantsByDomain.TryGetValue(host, out owner);
        }

        return owner;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial System.Text.RegularExpressions.Regex ValidIdentifier();

    /// <summary>Moves the tenant to <paramref name="isolation"/> and returns the move's report.</summary>
    public async Task<JsonElement> MoveTenantAsync(string identifier, string isolation)
    {
        var response = await SendAsync(HttpMethod.Post, $"/api/tenants/{identifier}/move", new { to = isolation });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadAsync(response);
    }

    private sealed record CachedToken(string? AccessToken, DateTimeOffset RenewAt);

    /// <param name="anonymous">Disposed with this handler: disposing <see cref="Http"/> disposes both clients.</param>
    private sealed class SigningInHandler(TenancyClient client, HttpClient anonymous) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is null && await TokenAsync(await client.TenantOfAsync(request)) is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return await base.SendAsync(request, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                anonymous.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>
        /// One sign-in per principal and Api at a time (sign-ins are rate limited), renewed at half its lifetime; a
        /// failed sign-in (a tenant created without this owner, a suspended tenant) is retried after a second.
        /// </summary>
        private async Task<string?> TokenAsync(string? tenant)
        {
            if (tenant is not null && !ValidIdentifier().IsMatch(tenant))
            {
                return null;
            }

            var key = $"{anonymous.BaseAddress}|{tenant}";
            var entry = Tokens.GetOrAdd(key, _ => new Lazy<Task<CachedToken>>(() => SignInAsync(tenant)));
            var token = await entry.Value;
            if (token.RenewAt > DateTimeOffset.UtcNow)
            {
                return token.AccessToken;
            }

            var fresh = new Lazy<Task<CachedToken>>(() => SignInAsync(tenant));
            var current = Tokens.TryUpdate(key, fresh, entry) ? fresh : Tokens[key];
            return (await current.Value).AccessToken;
        }

        private async Task<CachedToken> SignInAsync(string? tenant)
        {
            var request = NewRequest(
                HttpMethod.Post,
                "/api/auth/token",
                tenant is null
                    ? new { email = TestAdmin.Email, password = TestAdmin.Password }
                    : new { email = OwnerEmail(tenant), password = OwnerPassword(tenant) },
                host: null,
                tenantHeader: tenant);
            using var response = await anonymous.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new CachedToken(null, DateTimeOffset.UtcNow.AddSeconds(1));
            }

            var body = await ReadAsync(response);
            var lifetime = TimeSpan.FromSeconds(body.GetProperty("expiresIn").GetInt32());
            return new CachedToken(body.GetProperty("accessToken").GetString()!, DateTimeOffset.UtcNow + lifetime / 2);
        }
    }
}
