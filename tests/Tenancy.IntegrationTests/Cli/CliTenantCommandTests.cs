using System.Text.Json;
using Tenancy.Cli;

namespace Tenancy.IntegrationTests.Cli;

[Collection(PostgresCollection.Name)]
public sealed class CliTenantCommandTests(PostgresFixture postgres)
{
    private readonly CliRun _cli = new(postgres.ConnectionString);

    [Fact]
    public async Task Create_then_list_and_show_show_the_tenant_in_tables_and_in_json()
    {
        var identifier = PostgresFixture.NewIdentifier("cli");
        var host = $"{identifier}.example.com";

        var created = await _cli.ExpectAsync(ExitCodes.Ok,
            "tenants", "create", identifier, "--name", "Cli Corp", "--plan", "enterprise", "--domain", host, "--contact-email", "ops@cli.example", "--trial");
        Assert.Contains($"created tenant {identifier}", created.Output, StringComparison.Ordinal);
        Assert.Empty(created.Error);

        var list = await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "list");
        var row = Assert.Single(list.Output.Split('\n'), line => line.Contains(identifier, StringComparison.Ordinal));
        Assert.Contains("Cli Corp", row, StringComparison.Ordinal);
        Assert.Contains("trial", row, StringComparison.Ordinal);
        Assert.Contains($"{host} (primary)", row, StringComparison.Ordinal);

        var listed = (await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "list", "--status", "trial", "--json")).Json();
        var tenant = Assert.Single(listed.EnumerateArray(), t => t.GetProperty("identifier").GetString() == identifier);
        Assert.Equal("trial", tenant.GetProperty("status").GetString());
        Assert.Equal("enterprise", tenant.GetProperty("plan").GetString());
        Assert.Equal("schema", tenant.GetProperty("isolation").GetString());
        Assert.Equal("t_" + identifier.Replace('-', '_'), tenant.GetProperty("schemaName").GetString());
        Assert.Equal(host, tenant.GetProperty("domains")[0].GetProperty("host").GetString());
        Assert.True(tenant.GetProperty("domains")[0].GetProperty("isPrimary").GetBoolean());
        Assert.DoesNotContain(
            (await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "list", "--status", "active", "--json")).Json().EnumerateArray(),
            t => t.GetProperty("identifier").GetString() == identifier);

        var show = await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "show", identifier);
        Assert.Contains("Cli Corp", show.Output, StringComparison.Ordinal);
        Assert.Contains("ops@cli.example", show.Output, StringComparison.Ordinal);
        var shown = (await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "show", identifier, "--json")).Json();
        Assert.Equal(identifier, shown.GetProperty("identifier").GetString());
        // The enterprise plan sets no named limit: every one is unlimited.
        Assert.Empty(shown.GetProperty("limits").EnumerateObject());
        Assert.Equal(1, await _cli.CountAsync("SELECT count(*) FROM tenancy.tenants WHERE identifier = $1", identifier));
    }

    [Theory]
    [InlineData("Bad_Identifier")]
    [InlineData("x")]
    [InlineData("admin")]
    [InlineData("t_x'; DROP SCHEMA tenancy CASCADE; --")]
    public async Task An_invalid_identifier_fails_with_one_line_and_creates_nothing(string identifier)
    {
        var name = "Never " + Guid.NewGuid().ToString("N");

        var result = await _cli.ExpectAsync(ExitCodes.Failed, "tenants", "create", identifier, "--name", name);

        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("tenancy: error: invalid identifier: ", line, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Equal(0, await _cli.CountAsync("SELECT count(*) FROM tenancy.tenants WHERE name = $1", name));

        // Every command refuses it before looking it up.
        foreach (var command in new[] { "show", "suspend", "resume", "delete" })
        {
            var refused = await _cli.ExpectAsync(ExitCodes.Failed, "tenants", command, identifier);
            Assert.StartsWith("tenancy: error: invalid identifier: ", Assert.Single(refused.ErrorLines), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Creating_a_taken_identifier_fails_with_taken_and_the_same_command_again_finds_it_made()
    {
        var identifier = PostgresFixture.NewIdentifier("cli");
        await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "First");

        var again = await _cli.ExpectAsync(ExitCodes.Failed, "tenants", "create", identifier, "--name", "Second");
        var retried = await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "First");

        Assert.Equal($"tenancy: error: The identifier '{identifier}' is taken by a tenant (active) whose name differs from this request.", Assert.Single(again.ErrorLines));
        Assert.Contains($"tenant {identifier} already exists as requested", retried.Output, StringComparison.Ordinal);
        Assert.Equal(1, await _cli.CountAsync("SELECT count(*) FROM tenancy.tenants WHERE identifier = $1", identifier));
    }

    [Fact]
    public async Task Suspend_resume_and_delete_change_the_status()
    {
        var identifier = PostgresFixture.NewIdentifier("cli");
        await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "Lifecycle");

        var suspended = await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "suspend", identifier);
        Assert.Contains($"suspended tenant {identifier}", suspended.Output, StringComparison.Ordinal);
        Assert.Equal("suspended", (await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "show", identifier, "--json")).Json().GetProperty("status").GetString());
        Assert.Equal("active", (await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "resume", identifier, "--json")).Json().GetProperty("status").GetString());

        var deleted = await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "delete", identifier);
        Assert.Contains($"deleted tenant {identifier}", deleted.Output, StringComparison.Ordinal);
        Assert.Equal("deleted", (await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "show", identifier, "--json")).Json().GetProperty("status").GetString());
        Assert.Contains(
            (await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "list", "--status", "deleted", "--json")).Json().EnumerateArray(),
            t => t.GetProperty("identifier").GetString() == identifier);

        // A deleted tenant is gone for everything but listing and showing.
        var suspendDeleted = await _cli.ExpectAsync(ExitCodes.Failed, "tenants", "suspend", identifier);
        Assert.Equal($"tenancy: error: No tenant '{identifier}'.", Assert.Single(suspendDeleted.ErrorLines));
    }

    [Fact]
    public async Task A_status_change_the_status_does_not_allow_fails()
    {
        var identifier = PostgresFixture.NewIdentifier("cli");
        await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "On trial", "--trial");

        var result = await _cli.ExpectAsync(ExitCodes.Failed, "tenants", "resume", identifier);

        Assert.Equal($"tenancy: error: Tenant '{identifier}' is trial and cannot become active.", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Showing_an_unknown_tenant_fails_with_not_found()
    {
        var identifier = PostgresFixture.NewIdentifier("nobody");

        var result = await _cli.ExpectAsync(ExitCodes.Failed, "tenants", "show", identifier);

        Assert.Equal($"tenancy: error: No tenant '{identifier}'.", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Domains_are_added_and_removed_and_a_taken_host_is_a_conflict()
    {
        var owner = PostgresFixture.NewIdentifier("cli");
        var other = PostgresFixture.NewIdentifier("cli");
        var host = $"{owner}.example.com";
        var second = $"www.{owner}.example.com";
        await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", owner, "--name", "Owner");
        await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", other, "--name", "Other");

        var added = await _cli.ExpectAsync(ExitCodes.Ok, "domains", "add", owner, host);
        Assert.Contains($"added domain {host} to tenant {owner}", added.Output, StringComparison.Ordinal);
        var withPrimary = (await _cli.ExpectAsync(ExitCodes.Ok, "domains", "add", owner, second, "--primary", "--json")).Json();
        Assert.Equal(second, withPrimary.GetProperty("domains")[0].GetProperty("host").GetString());
        Assert.True(withPrimary.GetProperty("domains")[0].GetProperty("isPrimary").GetBoolean());

        var conflict = await _cli.ExpectAsync(ExitCodes.Failed, "domains", "add", other, host.ToUpperInvariant());
        Assert.Equal($"tenancy: error: The host '{host}' already belongs to a tenant.", Assert.Single(conflict.ErrorLines));

        var invalid = await _cli.ExpectAsync(ExitCodes.Failed, "domains", "add", other, "not a host");
        Assert.StartsWith("tenancy: error: invalid host: ", Assert.Single(invalid.ErrorLines), StringComparison.Ordinal);

        var removed = (await _cli.ExpectAsync(ExitCodes.Ok, "domains", "remove", owner, second, "--json")).Json();
        var remaining = Assert.Single(removed.GetProperty("domains").EnumerateArray());
        Assert.Equal(host, remaining.GetProperty("host").GetString());
        Assert.True(remaining.GetProperty("isPrimary").GetBoolean());

        var missing = await _cli.ExpectAsync(ExitCodes.Failed, "domains", "remove", owner, second);
        Assert.Equal($"tenancy: error: Tenant '{owner}' has no domain '{second}'.", Assert.Single(missing.ErrorLines));

        // Freed, the host can go to the other tenant.
        await _cli.ExpectAsync(ExitCodes.Ok, "domains", "remove", owner, host);
        await _cli.ExpectAsync(ExitCodes.Ok, "domains", "add", other, host);
    }

    [Theory]
    [InlineData("tenants", "frobnicate")]
    [InlineData("tenants", "create")]
    [InlineData("tenants", "list", "--status", "sleeping")]
    [InlineData("migrate", "--shared", "--all")]
    [InlineData("migrate", "--parallel", "0")]
    [InlineData("tenants", "exec", "--sql", "/nonexistent/file.sql", "--all")]
    [InlineData("tenants", "exec", "--sql", "/nonexistent/file.sql")]
    public async Task A_malformed_command_line_is_a_usage_error(params string[] args)
    {
        var result = await _cli.ExpectAsync(ExitCodes.Usage, args);

        Assert.StartsWith("tenancy: error: ", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Help_documents_the_exit_codes()
    {
        var help = await _cli.ExpectAsync(ExitCodes.Ok, "--help");

        Assert.Contains("Exit codes:", help.Output, StringComparison.Ordinal);
        Assert.Contains("3  migrate --check found pending migrations", help.Output, StringComparison.Ordinal);
        Assert.Contains("tenancy [command] [options]", help.Output, StringComparison.Ordinal);
    }
}
