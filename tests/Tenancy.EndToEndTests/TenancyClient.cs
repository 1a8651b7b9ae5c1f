using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tenancy.EndToEndTests;

/// <summary>Talks to the Api as the platform or as a tenant (by host or by X-Tenant header), over real HTTP.</summary>
public sealed class TenancyClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public HttpClient Http => http;

    public static string NewIdentifier(string prefix = "e") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? host = null, string? tenantHeader = null)
    {
        var request = new HttpRequestMessage(method, path);
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

        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> AsTenant(string identifier, HttpMethod method, string path, object? body = null) =>
        SendAsync(method, path, body, host: $"{identifier}.localhost");

    public async Task<string> CreateTenantAsync(string? identifier = null, string plan = "standard", params string[] domains)
    {
        identifier ??= NewIdentifier();
        var response = await SendAsync(HttpMethod.Post, "/api/tenants", new { identifier, name = $"Tenant {identifier}", plan, domains });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return identifier;
    }

    /// <summary>A tenant on the tier <paramref name="isolation"/> (shared, schema or database).</summary>
    public async Task<string> CreateTenantOnTierAsync(string isolation, string? identifier = null)
    {
        identifier ??= NewIdentifier(isolation[..2]);
        var response = await SendAsync(HttpMethod.Post, "/api/tenants", new { identifier, name = $"Tenant {identifier}", plan = "standard", isolation });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return identifier;
    }

    /// <summary>Moves the tenant to <paramref name="isolation"/> and returns the move's report.</summary>
    public async Task<JsonElement> MoveTenantAsync(string identifier, string isolation)
    {
        var response = await SendAsync(HttpMethod.Post, $"/api/tenants/{identifier}/move", new { to = isolation });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadAsync(response);
    }

    public async Task<Guid> CreateProductAsync(string identifier, string sku, string name, decimal price = 10)
    {
        var response = await AsTenant(identifier, HttpMethod.Post, "/api/products", new { sku, name, price });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid();
    }

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
}
