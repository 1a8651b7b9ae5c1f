using System.Net;
using System.Net.Http.Headers;
using Azure.Storage.Blobs;
using Tenancy.EndToEndTests.Security;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Files;

/// <summary>
/// Tenant files through the whole system (the Api over the AppHost's Azurite): a tenant's own files work, and tenant B
/// reaches none of A's, by name, by path tricks, by A's link edited, or with its token on A's host.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class FilesApiTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private const string Secret = "A's secret file";

    private readonly TenancyClient _client = fixture.Client;

    [Fact]
    public async Task A_tenant_uploads_downloads_lists_and_deletes_its_files_and_product_images()
    {
        var pair = await TenantPair.CreateAsync(_client);

        var created = await PutAsync(pair.A, pair.TokenA, "docs/readme.txt", "hello", "text/plain");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var download = await SendAsync(pair.A, pair.TokenA, HttpMethod.Get, "/api/files/docs/readme.txt");
        Assert.Equal(("hello", "text/plain"), (await download.Content.ReadAsStringAsync(), download.Content.Headers.ContentType?.MediaType));
        var list = await TenancyClient.ReadAsync(await SendAsync(pair.A, pair.TokenA, HttpMethod.Get, "/api/files?prefix=docs/&pageSize=10"));
        Assert.Equal(["docs/readme.txt"], list.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        var usage = await TenancyClient.ReadAsync(await SendAsync(pair.A, pair.TokenA, HttpMethod.Get, "/api/file-usage"));
        Assert.Equal((5L, 1024L * 1024 * 1024, "file-storage-mb"), (usage.GetProperty("usedBytes").GetInt64(), usage.GetProperty("maxBytes").GetInt64(), usage.GetProperty("limit").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(pair.A, pair.TokenA, HttpMethod.Delete, "/api/files/docs/readme.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(pair.A, pair.TokenA, HttpMethod.Get, "/api/files/docs/readme.txt")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await PutAsync(pair.A, pair.TokenA, $"../products/{pair.ProductA}/image", "png", "image/png", path: $"/api/products/{pair.ProductA}/image")).StatusCode);
        var image = await SendAsync(pair.A, pair.TokenA, HttpMethod.Get, $"/api/products/{pair.ProductA}/image");
        Assert.Equal(("png", "image/png"), (await image.Content.ReadAsStringAsync(), image.Content.Headers.ContentType?.MediaType));
        await TenancyClient.AssertProblemAsync(await PutAsync(pair.A, pair.TokenA, "", "text", "text/plain", path: $"/api/products/{pair.ProductA}/image"), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync(pair.A, pair.TokenA, "", "png", "image/png", path: $"/api/products/{Guid.NewGuid()}/image")).StatusCode);
    }

    [Fact]
    public async Task Tenant_b_reaches_none_of_as_files_by_name_path_tricks_edited_links_or_its_token_on_as_host()
    {
        var pair = await TenantPair.CreateAsync(_client);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(pair.A, pair.TokenA, "a-secret.txt", Secret, "text/plain")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(pair.A, pair.TokenA, "a-other.txt", "A's other file", "text/plain")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(pair.B, pair.TokenB, "b-own.txt", "B's own file", "text/plain")).StatusCode);
        var containerA = $"t-{pair.TenantIdA:N}";
        var attempts = new List<(string Case, HttpResponseMessage Response, HttpStatusCode[] Expected)>();
        async Task AsB(string name, HttpMethod method, string path, params HttpStatusCode[] expected) =>
            attempts.Add((name, await SendAsync(pair.B, pair.TokenB, method, path), expected));

        await AsB("A's name on B's host", HttpMethod.Get, "/api/files/a-secret.txt", HttpStatusCode.NotFound);
        await AsB("A's name, link", HttpMethod.Get, "/api/file-links/a-secret.txt", HttpStatusCode.NotFound);
        await AsB("A's name, delete", HttpMethod.Delete, "/api/files/a-secret.txt", HttpStatusCode.NotFound);
        await AsB("dot segments", HttpMethod.Get, "/api/files/../files/a-secret.txt", HttpStatusCode.NotFound);
        await AsB("encoded dot segments", HttpMethod.Get, "/api/files/%2e%2e/%2e%2e/" + containerA + "/a-secret.txt", HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        await AsB("encoded slash", HttpMethod.Get, "/api/files/..%2F" + containerA + "%2Fa-secret.txt", HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        await AsB("encoded backslash", HttpMethod.Get, "/api/files/..%5C" + containerA + "%5Ca-secret.txt", HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        await AsB("absolute name", HttpMethod.Get, "/api/files//" + containerA + "/a-secret.txt", HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        await AsB("A's container in the path", HttpMethod.Get, "/api/files/" + containerA + "/a-secret.txt", HttpStatusCode.NotFound);
        await AsB("A's container as prefix", HttpMethod.Get, "/api/files?prefix=" + containerA, HttpStatusCode.OK);
        await AsB("prefix escaping", HttpMethod.Get, "/api/files?prefix=../", HttpStatusCode.BadRequest);
        attempts.Add(("B's token on A's host", await SendAsync(pair.A, pair.TokenB, HttpMethod.Get, "/api/files/a-secret.txt"), [HttpStatusCode.Forbidden]));
        attempts.Add(("B's token on A's host, link", await SendAsync(pair.A, pair.TokenB, HttpMethod.Get, "/api/file-links/a-secret.txt"), [HttpStatusCode.Forbidden]));

        // A's own link works for its one file; edited to point at another of A's files or at B's container, it does not.
        var link = new Uri((await TenancyClient.ReadAsync(await SendAsync(pair.A, pair.TokenA, HttpMethod.Get, "/api/file-links/a-secret.txt"))).GetProperty("url").GetString()!);
        using var anyone = new HttpClient();
        Assert.Equal(Secret, await anyone.GetStringAsync(link));
        var containerB = $"t-{pair.TenantIdB:N}";
        foreach (var (name, url) in new[]
        {
            ("link to another of A's files", link.ToString().Replace("/a-secret.txt?", "/a-other.txt?", StringComparison.Ordinal)),
            ("link to B's container", link.ToString().Replace(containerA, containerB, StringComparison.Ordinal).Replace("/a-secret.txt?", "/b-own.txt?", StringComparison.Ordinal)),
            ("link to A's container listing", link.ToString().Replace("/a-secret.txt?", "?restype=container&comp=list&", StringComparison.Ordinal)),
            ("link without its signature", link.GetLeftPart(UriPartial.Path)),
        })
        {
            attempts.Add((name, await anyone.GetAsync(url), [HttpStatusCode.Forbidden, HttpStatusCode.NotFound]));
        }

        foreach (var (name, response, expected) in attempts)
        {
            var text = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{name}: {(int)response.StatusCode}");
            Assert.True(expected.Contains(response.StatusCode), $"{name}: expected {string.Join(" or ", expected)}, got {response.StatusCode} {text}");
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("a-secret.txt", text, StringComparison.Ordinal);
        }

        var downloaded = await SendAsync(pair.A, pair.TokenA, HttpMethod.Get, "/api/files/a-secret.txt");
        Assert.Equal(Secret, await downloaded.Content.ReadAsStringAsync());
        output.WriteLine($"{attempts.Count} attempts on A's files refused");
    }

    [Fact]
    public async Task Refused_uploads_are_problems_naming_the_reason_and_store_nothing()
    {
        // The trial plan: 5 MiB of files.
        var tenant = await _client.CreateTenantAsync(plan: "trial");
        var token = await _client.SignInAsOwnerAsync(tenant);
        var threeMegabytes = new string('x', 3 * 1024 * 1024);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(tenant, token, "first.txt", threeMegabytes, "text/plain")).StatusCode);

        var quota = await TenancyClient.AssertProblemAsync(await PutAsync(tenant, token, "second.txt", threeMegabytes, "text/plain"), HttpStatusCode.RequestEntityTooLarge);
        var type = await TenancyClient.AssertProblemAsync(await PutAsync(tenant, token, "page.html", "<p>hi</p>", "text/html"), HttpStatusCode.UnsupportedMediaType);
        var name = await TenancyClient.AssertProblemAsync(await PutAsync(tenant, token, "bad!name.txt", "x", "text/plain"), HttpStatusCode.BadRequest);

        Assert.Equal("file-storage-mb", quota.GetProperty("limit").GetString());
        Assert.Contains("'file-storage-mb'", quota.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("text/html", type.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("not '!'", name.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var list = await TenancyClient.ReadAsync(await SendAsync(tenant, token, HttpMethod.Get, "/api/files"));
        Assert.Equal(["first.txt"], list.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_deleted_tenants_container_is_gone_after_the_workers_sweep_and_its_neighbours_stays()
    {
        var pair = await TenantPair.CreateAsync(_client);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(pair.A, pair.TokenA, "a.txt", "A", "text/plain")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(pair.B, pair.TokenB, "b.txt", "B", "text/plain")).StatusCode);
        var storage = new BlobServiceClient(await fixture.System.App.GetConnectionStringAsync("files"));
        var containerA = storage.GetBlobContainerClient($"t-{pair.TenantIdA:N}");
        Assert.True(await containerA.ExistsAsync());

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Delete, $"/api/tenants/{pair.A}")).StatusCode);

        // The Worker sweeps deleted tenants every 5 s (Tenancy:Deletion:SweepIntervalSeconds).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await containerA.ExistsAsync()).Value && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(500);
        }

        Assert.False(await containerA.ExistsAsync(), "A's container outlived the sweep by a minute");
        Assert.True(await storage.GetBlobContainerClient($"t-{pair.TenantIdB:N}").GetBlobClient("b.txt").ExistsAsync());
    }

    private Task<HttpResponseMessage> PutAsync(string tenant, string token, string name, string text, string contentType, string? path = null)
    {
        var request = TenancyClient.NewRequest(HttpMethod.Put, path ?? $"/api/files/{name}", host: $"{tenant}.localhost", token: token);
        request.Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text));
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return _client.Anonymous.SendAsync(request);
    }

    private Task<HttpResponseMessage> SendAsync(string tenant, string token, HttpMethod method, string path) =>
        _client.Anonymous.SendAsync(TenancyClient.NewRequest(method, path, host: $"{tenant}.localhost", token: token));
}
