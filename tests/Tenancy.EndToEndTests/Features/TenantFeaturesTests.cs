using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tenancy.Cli;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Features;

/// <summary>
/// Feature flags, branding and settings per tenant through the whole system: an override or a setting of one tenant
/// never shows for another, tenants cannot reach each other's (nor the admin endpoints), a change through one Api
/// instance shows on the other within a second, and the CLI reads back what the Api does (and the reverse).
/// </summary>
[Collection(TwoApiInstancesCollection.Name)]
public sealed class TenantFeaturesTests(TwoApiInstancesFixture fixture, ITestOutputHelper output)
{
    private const string OrderExport = "OrderExport";

    private TwoApiInstances System => fixture.System;

    [Fact]
    public async Task An_override_for_one_tenant_never_shows_for_another_and_reaches_the_other_instance_within_a_second()
    {
        var a = await System.First.CreateTenantAsync(plan: "standard");
        var b = await System.First.CreateTenantAsync(plan: "standard");
        var big = await System.First.CreateTenantAsync(plan: "enterprise");

        // The definition: on for the enterprise plan only (src/Api/appsettings.json), on both instances.
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(HttpStatusCode.NotFound, await ExportStatusAsync(api, a));
            Assert.Equal(HttpStatusCode.NotFound, await ExportStatusAsync(api, b));
            Assert.Equal(HttpStatusCode.OK, await ExportStatusAsync(api, big));
        }

        // As an endpoint that does not exist: the same problem, nothing naming the flag.
        var refused = await TenancyClient.AssertProblemAsync(await System.First.AsTenant(a, HttpMethod.Get, "/api/orders/export"), HttpStatusCode.NotFound);
        var missing = await TenancyClient.AssertProblemAsync(await System.First.AsTenant(a, HttpMethod.Get, "/api/orders/no-such-endpoint"), HttpStatusCode.NotFound);
        Assert.Equal(Without(missing, "traceId"), Without(refused, "traceId"));
        Assert.DoesNotContain(OrderExport, refused.GetRawText(), StringComparison.Ordinal);

        // On for A alone, through the first instance: the second, which has A's row cached, serves it within 1 s.
        var on = await ReadOkAsync(await System.First.SendAsync(HttpMethod.Put, $"/api/tenants/{a}/features/{OrderExport}", new { enabled = true }));
        Assert.Equal((true, true, false), (on.GetProperty("enabled").GetBoolean(), on.GetProperty("override").GetBoolean(), on.GetProperty("definition").GetBoolean()));
        await ShowsOnSecondWithinASecondAsync("A's override", async () => await ExportStatusAsync(System.Second, a) == HttpStatusCode.OK);
        var csv = await System.Second.AsTenant(a, HttpMethod.Get, "/api/orders/export");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("id,createdAt,status", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Off for the enterprise tenant alone, the other way round.
        await ReadOkAsync(await System.Second.SendAsync(HttpMethod.Put, $"/api/tenants/{big}/features/{OrderExport}", new { enabled = false }));
        await ShowsOnSecondWithinASecondAsync("the enterprise tenant's override", async () => await ExportStatusAsync(System.First, big) == HttpStatusCode.NotFound);

        // Neither override shows for B, on either instance, in any view.
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(HttpStatusCode.NotFound, await ExportStatusAsync(api, b));
            Assert.False(await OwnFlagAsync(api, b, OrderExport));
            Assert.True(await OwnFlagAsync(api, a, OrderExport));
            Assert.False(await OwnFlagAsync(api, big, OrderExport));
        }

        var bAsAdmin = Flag(await ReadOkAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{b}/features")), OrderExport);
        Assert.Equal(JsonValueKind.Null, bAsAdmin.GetProperty("override").ValueKind);
        Assert.False(bAsAdmin.GetProperty("enabled").GetBoolean());

        // Back to the definition: A's export is gone again on the other instance.
        var reset = await ReadOkAsync(await System.First.SendAsync(HttpMethod.Delete, $"/api/tenants/{a}/features/{OrderExport}"));
        Assert.Equal(JsonValueKind.Null, reset.GetProperty("override").ValueKind);
        await ShowsOnSecondWithinASecondAsync("A's reset", async () => await ExportStatusAsync(System.Second, a) == HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_problem_naming_what_is_wrong()
    {
        var a = await System.First.CreateTenantAsync();
        var unknown = await TenancyClient.AssertProblemAsync(
            await System.First.SendAsync(HttpMethod.Put, $"/api/tenants/{a}/features/NoSuchFlag", new { enabled = true }), HttpStatusCode.NotFound);
        Assert.Contains("NoSuchFlag", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await TenancyClient.AssertProblemAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/features/NoSuchFlag"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await System.First.SendAsync(HttpMethod.Get, "/api/tenants/no-such-tenant/features"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(
            await System.First.SendAsync(HttpMethod.Put, $"/api/tenants/no-such-tenant/features/{OrderExport}", new { enabled = true }), HttpStatusCode.NotFound);
        Assert.Contains("enabled", await ErrorsAsync(await System.First.SendAsync(HttpMethod.Put, $"/api/tenants/{a}/features/{OrderExport}", new { })));

        Assert.Equal(["branding.accentColor", "branding.primaryColor"], await ErrorsAsync(await PutSettingsAsync(a, new { primaryColor = "blue", accentColor = "#12345" })));
        Assert.Equal(["branding.displayName"], await ErrorsAsync(await PutSettingsAsync(a, new { displayName = new string('n', 201) })));
        Assert.Equal(["branding.logo"], await ErrorsAsync(await PutSettingsAsync(a, new { logo = "../other/logo.png" })));
        var tooMany = Enumerable.Range(0, 51).ToDictionary(i => $"key{i}", i => "v");
        Assert.Equal(["values"], await ErrorsAsync(await PutSettingsAsync(a, branding: null, values: tooMany)));
        Assert.Equal(["values.big"], await ErrorsAsync(await PutSettingsAsync(a, branding: null, values: new Dictionary<string, string> { ["big"] = new string('v', 2_001) })));

        // Nothing refused was stored.
        var stored = await ReadOkAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/settings"));
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("branding").GetProperty("primaryColor").ValueKind);
        Assert.Empty(stored.GetProperty("values").EnumerateObject());
    }

    [Fact]
    public async Task Branding_and_settings_show_for_their_own_tenant_only_and_on_every_instance_within_a_second()
    {
        var a = await System.First.CreateTenantAsync();
        var b = await System.First.CreateTenantAsync();
        var before = await BrandingAsync(System.Second, b);
        Assert.Equal(JsonValueKind.Null, before.GetProperty("primaryColor").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await BrandingAsync(System.Second, a)).GetProperty("primaryColor").ValueKind);

        var saved = await ReadOkAsync(await PutSettingsAsync(
            a, new { displayName = "Acme Shop", primaryColor = "#A1B2C3", accentColor = "#00ff00", logo = "acme-logo.png" }, new Dictionary<string, string> { ["theme"] = "dark" }));
        Assert.Equal("#a1b2c3", saved.GetProperty("branding").GetProperty("primaryColor").GetString());
        await ShowsOnSecondWithinASecondAsync("A's branding", async () => (await BrandingAsync(System.Second, a)).GetProperty("displayName").GetString() == "Acme Shop");

        var branding = await BrandingAsync(System.Second, a);
        Assert.Equal(("#a1b2c3", "#00ff00", "acme-logo.png"),
            (branding.GetProperty("primaryColor").GetString(), branding.GetProperty("accentColor").GetString(), branding.GetProperty("logo").GetString()));
        foreach (var api in new[] { System.First, System.Second })
        {
            var other = await BrandingAsync(api, b);
            Assert.Equal(before.GetRawText(), other.GetRawText());
        }

        var bSettings = await ReadOkAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{b}/settings"));
        Assert.Empty(bSettings.GetProperty("values").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, bSettings.GetProperty("branding").GetProperty("logo").ValueKind);
    }

    [Fact]
    public async Task A_tenant_can_neither_read_nor_change_another_tenants_features_or_settings()
    {
        var a = await System.First.CreateTenantAsync();
        var b = await System.First.CreateTenantAsync();
        await ReadOkAsync(await System.First.SendAsync(HttpMethod.Put, $"/api/tenants/{a}/features/{OrderExport}", new { enabled = true }));
        await ReadOkAsync(await PutSettingsAsync(a, new { displayName = "A's name" }, new Dictionary<string, string> { ["secret-ish"] = "a-only" }));
        var bOwner = await System.First.SignInAsOwnerAsync(b);

        foreach (var api in new[] { System.First, System.Second })
        {
            // The admin endpoints refuse a tenant's token on the platform's host, and do not exist on a tenant's.
            foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
            {
                (HttpMethod.Get, $"/api/tenants/{a}/features", null),
                (HttpMethod.Get, $"/api/tenants/{a}/features/{OrderExport}", null),
                (HttpMethod.Put, $"/api/tenants/{a}/features/{OrderExport}", new { enabled = false }),
                (HttpMethod.Delete, $"/api/tenants/{a}/features/{OrderExport}", null),
                (HttpMethod.Get, $"/api/tenants/{a}/settings", null),
                (HttpMethod.Put, $"/api/tenants/{a}/settings", new { branding = new { displayName = "hijacked" } }),
            })
            {
                var onPlatform = await api.SendWithTokenAsync(bOwner, method, path, body);
                Assert.True(onPlatform.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{method} {path} with B's token: {(int)onPlatform.StatusCode}");
                foreach (var host in new[] { $"{b}.localhost", $"{a}.localhost" })
                {
                    var onTenantHost = await api.SendWithTokenAsync(bOwner, method, path, body, host: host);
                    Assert.True(onTenantHost.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
                        $"{method} {path} on {host} with B's token: {(int)onTenantHost.StatusCode}");
                }
            }

            // The tenant endpoints show the request's tenant only: B's token on B's host sees B's; naming A as well is refused.
            await TenancyClient.AssertProblemAsync(
                await api.SendWithTokenAsync(bOwner, HttpMethod.Get, "/api/tenant/features", host: $"{b}.localhost", tenantHeader: a), HttpStatusCode.BadRequest);
            var own = await ReadOkAsync(await api.SendWithTokenAsync(bOwner, HttpMethod.Get, "/api/tenant/features", host: $"{b}.localhost"));
            Assert.False(Flag(own, OrderExport).GetProperty("enabled").GetBoolean());
            Assert.Equal(HttpStatusCode.NotFound, (await api.SendWithTokenAsync(bOwner, HttpMethod.Get, "/api/orders/export", host: $"{b}.localhost")).StatusCode);
            // B's token on A's host is no member's.
            var crossed = await api.SendWithTokenAsync(bOwner, HttpMethod.Get, "/api/tenant/features", host: $"{a}.localhost");
            Assert.True(crossed.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"B's token on A's host: {(int)crossed.StatusCode}");
            Assert.True((await api.SendWithTokenAsync(bOwner, HttpMethod.Get, "/api/orders/export", host: $"{a}.localhost")).StatusCode
                is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
            // Without branding of its own, a tenant's pages show its registry name.
            var bName = (await ReadOkAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{b}"))).GetProperty("name").GetString();
            Assert.Equal(bName, (await BrandingAsync(api, b)).GetProperty("displayName").GetString());
        }

        // A's are as A's admin set them.
        var aFlag = Flag(await ReadOkAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/features")), OrderExport);
        Assert.True(aFlag.GetProperty("override").GetBoolean());
        var aSettings = await ReadOkAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/settings"));
        Assert.Equal("A's name", aSettings.GetProperty("branding").GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task The_CLI_and_the_Api_read_back_the_same_flags_and_settings_whichever_set_them()
    {
        var a = await System.First.CreateTenantAsync();
        var b = await System.First.CreateTenantAsync(plan: "enterprise");

        // Set by the CLI, read by both.
        var cliFlags = await CliJsonAsync("tenants", "features", a, "--on", OrderExport);
        await AssertSameAsync(cliFlags, $"/api/tenants/{a}/features");
        Assert.True(Flag(cliFlags, OrderExport).GetProperty("enabled").GetBoolean());
        await ShowsOnSecondWithinASecondAsync("the CLI's override", async () => await ExportStatusAsync(System.Second, a) == HttpStatusCode.OK);

        var cliSettings = await CliJsonAsync("tenants", "settings", a, "--display-name", "Made by the CLI", "--primary-color", "#ABCDEF", "--set", "theme=dark", "--set", "locale=fr-FR");
        await AssertSameAsync(cliSettings, $"/api/tenants/{a}/settings");
        Assert.Equal("#abcdef", cliSettings.GetProperty("branding").GetProperty("primaryColor").GetString());

        // Set by the Api, read by both.
        await ReadOkAsync(await System.First.SendAsync(HttpMethod.Put, $"/api/tenants/{b}/features/{OrderExport}", new { enabled = false }));
        await ReadOkAsync(await PutSettingsAsync(b, new { accentColor = "#010203" }, new Dictionary<string, string> { ["x"] = "1" }));
        await AssertSameAsync(await CliJsonAsync("tenants", "features", b), $"/api/tenants/{b}/features");
        await AssertSameAsync(await CliJsonAsync("tenants", "settings", b), $"/api/tenants/{b}/settings");
        // The CLI's reset and unset, read by the Api.
        await AssertSameAsync(await CliJsonAsync("tenants", "features", b, "--reset", OrderExport), $"/api/tenants/{b}/features");
        await AssertSameAsync(await CliJsonAsync("tenants", "settings", b, "--unset", "x", "--accent-color", ""), $"/api/tenants/{b}/settings");
        await ShowsOnSecondWithinASecondAsync("the CLI's reset", async () => await ExportStatusAsync(System.Second, b) == HttpStatusCode.OK);

        // Refusals: a non-zero exit and one line, and nothing changed.
        foreach (var args in new[]
        {
            new[] { "tenants", "features", a, "--on", "NoSuchFlag" },
            ["tenants", "features", "no-such-tenant"],
            ["tenants", "settings", a, "--primary-color", "blue"],
            ["tenants", "settings", a, "--logo", "../b/logo.png"],
            ["tenants", "settings", a, "--set", "novalue"],
        })
        {
            var (code, _, error) = await CliAsync(args);
            Assert.True(code != 0, $"tenancy {string.Join(' ', args)} succeeded");
            Assert.Single(error.Trim().Split('\n'));
            output.WriteLine($"tenancy {string.Join(' ', args)}: exit {code}: {error.Trim()}");
        }

        Assert.Contains("branding.primaryColor", (await CliAsync("tenants", "settings", a, "--primary-color", "blue")).Error, StringComparison.Ordinal);
        await AssertSameAsync(cliSettings, $"/api/tenants/{a}/settings");
    }

    private async Task AssertSameAsync(JsonElement fromCli, string apiPath)
    {
        var fromApi = await ReadOkAsync(await System.First.SendAsync(HttpMethod.Get, apiPath));
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(fromCli.GetRawText()), JsonNode.Parse(fromApi.GetRawText())),
            $"the CLI says {fromCli.GetRawText()}, the Api (GET {apiPath}) {fromApi.GetRawText()}");
    }

    private async Task<JsonElement> CliJsonAsync(params string[] args)
    {
        var (code, text, error) = await CliAsync([.. args, "--json"]);
        Assert.True(code == 0, $"tenancy {string.Join(' ', args)}: exit {code}: {error}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    private async Task<(int Code, string Output, string Error)> CliAsync(params string[] args)
    {
        using var text = new StringWriter();
        using var error = new StringWriter();
        var code = await TenancyCli.RunAsync([.. args, "--apphost-data", System.App.DataDirectory()], text, error);
        return (code, text.ToString(), error.ToString());
    }

    private Task<HttpResponseMessage> PutSettingsAsync(string tenant, object? branding, Dictionary<string, string>? values = null) =>
        System.First.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}/settings", new { branding, values });

    private static async Task<HttpStatusCode> ExportStatusAsync(TenancyClient api, string tenant) =>
        (await api.AsTenant(tenant, HttpMethod.Get, "/api/orders/export")).StatusCode;

    private static async Task<bool> OwnFlagAsync(TenancyClient api, string tenant, string feature) =>
        Flag(await ReadOkAsync(await api.AsTenant(tenant, HttpMethod.Get, "/api/tenant/features")), feature).GetProperty("enabled").GetBoolean();

    private static async Task<JsonElement> BrandingAsync(TenancyClient api, string tenant) =>
        await ReadOkAsync(await api.SendWithTokenAsync(null, HttpMethod.Get, "/api/tenant/branding", host: $"{tenant}.localhost"));

    private static string Without(JsonElement problem, string property) =>
        string.Join(",", problem.EnumerateObject().Where(p => p.Name != property).Select(p => $"{p.Name}={p.Value.GetRawText()}"));

    private static JsonElement Flag(JsonElement features, string name) =>
        features.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    private static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await TenancyClient.ReadAsync(response);
    }

    private static async Task<List<string>> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await TenancyClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        return [.. problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>Waits up to 1 s for what changed to show, and says how long it took.</summary>
    private async Task ShowsOnSecondWithinASecondAsync(string change, Func<Task<bool>> shows)
    {
        var since = Stopwatch.StartNew();
        while (!await shows())
        {
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(1), $"{change} did not show on the other instance within 1 s");
            await Task.Delay(10);
        }

        output.WriteLine($"{change} showed on the other instance after {since.Elapsed.TotalMilliseconds:F0} ms");
    }
}
