using System.Net;
using Npgsql;
using Tenancy.Cli;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Cli;

/// <summary>A system of its own: these tests move, suspend and delete tenants with the CLI.</summary>
public sealed class CliAppHostFixture : AppHostFixture;

/// <summary>
/// Every CLI command run against the running system (in-process, on its connections.json, as the dashboard's commands
/// run it), and after each the Api serves, or refuses, the tenant accordingly: at once, with no restart.
/// </summary>
public sealed class CliAgainstApiTests(CliAppHostFixture fixture, ITestOutputHelper output) : IClassFixture<CliAppHostFixture>
{
    private readonly TenancyClient _client = new(fixture.Api);

    [Fact]
    public async Task Create_domains_suspend_resume_migrate_cache_purge_and_delete_take_effect_on_the_Api_at_once()
    {
        var tenant = TenancyClient.NewIdentifier("cli");
        var domain = $"shop.{tenant}.example";
        await CliAsync("tenants", "create", tenant, "--name", "Made by the CLI",
            "--owner-email", TenancyClient.OwnerEmail(tenant), "--owner-password", TenancyClient.OwnerPassword(tenant));
        var product = await _client.CreateProductAsync(tenant, "CLI-1", "made after a CLI create");
        Assert.Equal(["CLI-1"], await SkusAsync(tenant));

        // Registry changes reach the Api as a NOTIFY, a few milliseconds after the CLI's commit.
        await CliAsync("domains", "add", tenant, domain);
        await ReachesApiAsync("domains add", async () => (await _client.SendAsync(HttpMethod.Get, "/api/products", host: domain)).StatusCode == HttpStatusCode.OK);
        Assert.Equal(["CLI-1"], await SkusAsync(tenant, host: domain));
        await CliAsync("domains", "remove", tenant, domain);
        await ReachesApiAsync("domains remove", async () => (await _client.SendWithTokenAsync(null, HttpMethod.Get, "/api/products", host: domain)).StatusCode == HttpStatusCode.NotFound);

        await CliAsync("tenants", "suspend", tenant);
        await ReachesApiAsync("suspend", async () => (await _client.AsTenant(tenant, HttpMethod.Get, "/api/products")).StatusCode == HttpStatusCode.Forbidden);
        var suspended = await TenancyClient.AssertProblemAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/products"), HttpStatusCode.Forbidden);
        Assert.Contains("suspended", suspended.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await CliAsync("tenants", "resume", tenant);
        await ReachesApiAsync("resume", async () => (await _client.AsTenant(tenant, HttpMethod.Get, "/api/products")).StatusCode == HttpStatusCode.OK);
        Assert.Equal(["CLI-1"], await SkusAsync(tenant));

        await CliAsync("migrate");
        await CliAsync("migrate", "--check");
        Assert.Equal(["CLI-1"], await SkusAsync(tenant));

        // The catalogue is cached: a change behind the Api's back shows only once the CLI purges the tenant's cache.
        Assert.Equal("made after a CLI create", await ProductNameAsync(tenant, product));
        await SqlAsync($"UPDATE t_{tenant.Replace('-', '_')}.products SET name = 'changed in the database' WHERE id = $1", product);
        Assert.Equal("made after a CLI create", await ProductNameAsync(tenant, product));
        await CliAsync("tenants", "cache", "purge", tenant);
        // The purge is one INCR in Redis; the Api hears the new generation over Redis pub/sub, a few milliseconds later.
        await ReachesApiAsync("cache purge", async () => await ProductNameAsync(tenant, product) == "changed in the database");

        await CliAsync("tenants", "delete", tenant);
        await ReachesApiAsync("delete", async () => (await _client.AsTenant(tenant, HttpMethod.Get, "/api/products")).StatusCode == HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/products"), HttpStatusCode.NotFound);
        // A refused command leaves the exit code and one line, and the Api as it was.
        var (code, _, error) = await RunAsync("tenants", "resume", tenant);
        Assert.NotEqual(0, code);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_tenant_moved_by_the_CLI_through_every_tier_is_served_at_once_after_each_move()
    {
        var tenant = await _client.CreateTenantOnTierAsync("schema");
        await _client.CreateProductAsync(tenant, "MOVE-1", "moves");
        // Warm the Api's view of the tenant (lookup, pools, cache) on its first tier, as a live tenant would.
        Assert.Equal(["MOVE-1"], await SkusAsync(tenant));

        var sku = 2;
        foreach (var tier in new[] { "database", "shared", "schema", "database", "schema" })
        {
            var (code, text, error) = await RunAsync("tenants", "move", tenant, "--to", tier);
            Assert.True(code == 0, $"move to {tier}: {error}");
            output.WriteLine(text.Trim().Split('\n')[^1]);

            // Read and written at once, on the new tier, by the Api that never restarted.
            var response = await _client.AsTenant(tenant, HttpMethod.Get, "/api/products");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"after the move to {tier}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await _client.CreateProductAsync(tenant, $"MOVE-{sku++}", $"after the move to {tier}");
            var registry = await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}"));
            Assert.Equal(tier, registry.GetProperty("isolation").GetString(), ignoreCase: true);
        }

        Assert.Equal([.. Enumerable.Range(1, sku - 1).Select(i => $"MOVE-{i}")], await SkusAsync(tenant));
    }

    [Fact]
    public async Task Clone_backup_and_restore_make_tenants_the_Api_serves_with_the_sources_data()
    {
        var source = await _client.CreateTenantAsync();
        await _client.CreateProductAsync(source, "SRC-1", "the source's");
        var clone = TenancyClient.NewIdentifier("clone");
        var restored = TenancyClient.NewIdentifier("rest");
        var archive = Path.Combine(fixture.App.DataDirectory(), $"{source}.tenant.zip");

        await CliAsync("tenants", "clone", source, clone);
        await CliAsync("tenants", "backup", source, "--out", archive);
        await CliAsync("tenants", "restore", archive, "--as", restored, "--isolation", "shared");

        foreach (var copy in new[] { clone, restored })
        {
            // A copy has the source's rows but no members (accounts are not tenant data): the source's owner is made
            // one, as a tenant admin would through /api/members, to read it through the Api.
            await SqlAsync("""
                INSERT INTO accounts.memberships (user_id, tenant_id, role, created_at)
                SELECT m.user_id, c.id, m.role, now() FROM accounts.memberships m
                JOIN tenancy.tenants s ON s.id = m.tenant_id JOIN tenancy.tenants c ON c.identifier = $2
                WHERE s.identifier = $1
                """, source, copy);
            var token = await _client.SignInAsync(copy, TenancyClient.OwnerEmail(source), TenancyClient.OwnerPassword(source));
            var response = await _client.SendWithTokenAsync(token, HttpMethod.Get, "/api/products", host: $"{copy}.localhost");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{copy}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(["SRC-1"], (await TenancyClient.ReadAsync(response)).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("sku").GetString()));
        }
    }

    private async Task CliAsync(params string[] args)
    {
        var (code, text, error) = await RunAsync(args);
        Assert.True(code == 0, $"tenancy {string.Join(' ', args)}: exit {code}: {error}");
        // The command, not its options: one of them is a password.
        output.WriteLine($"tenancy {string.Join(' ', args.Take(3))}: {text.Trim().Split('\n')[0]}");
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var text = new StringWriter();
        using var error = new StringWriter();
        var code = await TenancyCli.RunAsync([.. args, "--apphost-data", fixture.App.DataDirectory()], text, error);
        return (code, text.ToString(), error.ToString());
    }

    /// <summary>Waits up to 2 s for what a CLI command changed to show through the Api, and says how long it took.</summary>
    private async Task ReachesApiAsync(string command, Func<Task<bool>> shows)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await shows())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(2), $"the Api did not show the CLI's {command} 2 s after it returned");
            await Task.Delay(20);
        }

        output.WriteLine($"the CLI's {command} reached the Api {waited.ElapsedMilliseconds} ms after it returned");
    }

    private async Task<List<string?>> SkusAsync(string tenant, string? host = null)
    {
        var response = await _client.SendAsync(HttpMethod.Get, "/api/products", host: host ?? $"{tenant}.localhost");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{tenant}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return [.. (await TenancyClient.ReadAsync(response)).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("sku").GetString())];
    }

    private async Task<string?> ProductNameAsync(string tenant, Guid product)
    {
        var response = await _client.AsTenant(tenant, HttpMethod.Get, $"/api/products/{product}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await TenancyClient.ReadAsync(response)).GetProperty("name").GetString();
    }

    private async Task SqlAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(await fixture.App.GetConnectionStringAsync("tenancydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }
}
