using System.Text.Json;
using Tenancy.Cli;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Cli;

/// <summary>Commands over all tenants, each test in a database of its own so that "all" means its tenants only.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliMigrateAndExecTests(PostgresFixture postgres) : IDisposable
{
    private readonly List<string> _sqlFiles = [];

    private const string InsertWelcomeProduct = """
        -- One product per tenant, stamped with the tenant's id as every tenant row is.
        INSERT INTO products (id, tenant_id, sku, name, price)
        VALUES (gen_random_uuid(), current_setting('tenancy.tenant_id')::uuid, 'WELCOME', 'Welcome gift for ' || current_setting('tenancy.tenant_identifier'), 0);
        """;

    [Fact]
    public async Task Migrate_builds_a_fresh_database_and_check_then_finds_nothing_pending()
    {
        var cli = await CliRun.NewDatabaseAsync(postgres.ConnectionString);

        var before = await cli.ExpectAsync(ExitCodes.Pending, "migrate", "--check");
        // The registry's migrations (TenantFeaturesAndSettings the latest) and the shared tier's schema (every tenant migration, JobOutbox the latest, applied once to it).
        Assert.Contains("shared: 10 pending", before.Output, StringComparison.Ordinal);

        var migrated = await cli.ExpectAsync(ExitCodes.Ok, "migrate");
        Assert.Contains("shared: applied ", migrated.Output, StringComparison.Ordinal);
        Assert.Contains("0 tenants: 0 migrated, 0 up to date, 0 failed", migrated.Output, StringComparison.Ordinal);

        var tenants = await CreateTenantsAsync(cli, 2);
        var check = await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--check");
        Assert.Contains("shared: up to date", check.Output, StringComparison.Ordinal);
        Assert.Contains("2 tenants: all up to date", check.Output, StringComparison.Ordinal);

        var json = (await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--check", "--json")).Json();
        Assert.Empty(json.GetProperty("shared").GetProperty("pending").EnumerateArray());
        Assert.Equal(tenants, json.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("identifier").GetString()));
        Assert.Equal(0, json.GetProperty("summary").GetProperty("pending").GetInt32());

        var again = await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--all");
        Assert.Contains("2 tenants: 0 migrated, 2 up to date, 0 failed", again.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("shared:", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_goes_on_past_a_failing_tenant_and_reports_each()
    {
        var cli = await CliRun.NewDatabaseAsync(postgres.ConnectionString);
        await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--shared");
        var tenants = await CreateTenantsAsync(cli, 3);
        var (behind, broken, current) = (tenants[0], tenants[1], tenants[2]);
        // One tenant's schema is empty and needs every migration; another has the tables without the record of them, so they fail.
        var behindSchema = TenantStoreNames.ToSchemaName(behind);
        await cli.ExecuteAsync($"""
            DROP SCHEMA "{behindSchema}" CASCADE; CREATE SCHEMA "{behindSchema}";
            DELETE FROM tenancy.tenant_migrations WHERE tenant_id IN (SELECT id FROM tenancy.tenants WHERE identifier IN ('{behind}', '{broken}'));
            """);

        var check = await cli.ExpectAsync(ExitCodes.Pending, "migrate", "--check");
        Assert.Contains("3 tenants: 2 with pending migrations", check.Output, StringComparison.Ordinal);

        var result = await cli.ExpectAsync(ExitCodes.Failed, "migrate", "--all", "--parallel", "2");

        // Redirected output: plain progress lines, then the table and the summary.
        Assert.Contains("migrated 3/3 tenants (1 failed)", result.Output, StringComparison.Ordinal);
        Assert.Contains("3 tenants: 1 migrated, 1 up to date, 1 failed", result.Output, StringComparison.Ordinal);
        var lines = result.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains(behind, StringComparison.Ordinal) && l.Contains("migrated", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(broken, StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal) && l.Contains("42P07", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(current, StringComparison.Ordinal));
        Assert.Equal(1, await cli.CountAsync($"SELECT count(*) FROM pg_tables WHERE schemaname = '{behindSchema}' AND tablename = 'products'"));

        var json = (await cli.ExpectAsync(ExitCodes.Failed, "migrate", "--tenant", broken, "--json")).Json();
        var only = Assert.Single(json.GetProperty("tenants").EnumerateArray());
        Assert.Equal("failed", only.GetProperty("outcome").GetString());
        Assert.StartsWith("42P07", only.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("shared").ValueKind);

        var unknown = await cli.ExpectAsync(ExitCodes.Failed, "migrate", "--tenant", "no-such-tenant");
        Assert.Equal("tenancy: error: No tenant 'no-such-tenant'.", Assert.Single(unknown.ErrorLines));
    }

    [Fact]
    public async Task Exec_runs_the_sql_in_each_selected_tenant_only()
    {
        var cli = await CliRun.NewDatabaseAsync(postgres.ConnectionString);
        await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--shared");
        var tenants = await CreateTenantsAsync(cli, 3);
        var sql = await WriteSqlAsync(InsertWelcomeProduct);

        var one = await cli.ExpectAsync(ExitCodes.Ok, "tenants", "exec", "--tenant", tenants[0], "--sql", sql);
        Assert.Contains("1 tenant: 1 succeeded, 0 failed", one.Output, StringComparison.Ordinal);
        Assert.Equal(1, await ProductsAsync(cli, tenants[0]));
        Assert.Equal(0, await ProductsAsync(cli, tenants[1]));
        Assert.Equal(0, await ProductsAsync(cli, tenants[2]));

        // The row carries its tenant's id, so the tenant's own (filtered) queries see it.
        Assert.Equal(1, await cli.CountAsync(
            $"""SELECT count(*) FROM "{TenantStoreNames.ToSchemaName(tenants[0])}".products p JOIN tenancy.tenants t ON t.id = p.tenant_id WHERE t.identifier = $1""",
            tenants[0]));

        var others = (await cli.ExpectAsync(ExitCodes.Ok, "tenants", "exec", "--tenant", tenants[1], "--tenant", tenants[2], "--sql", sql, "--json")).Json();
        Assert.Equal([tenants[1], tenants[2]], others.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("identifier").GetString()));
        Assert.All(others.GetProperty("tenants").EnumerateArray(), t =>
        {
            Assert.Equal("succeeded", t.GetProperty("outcome").GetString());
            Assert.Equal(1, t.GetProperty("rowsAffected").GetInt32());
        });
        foreach (var tenant in tenants)
        {
            Assert.Equal(1, await ProductsAsync(cli, tenant));
        }
    }

    [Fact]
    public async Task Exec_all_rolls_back_a_failing_tenant_and_commits_the_others()
    {
        var cli = await CliRun.NewDatabaseAsync(postgres.ConnectionString);
        await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--shared");
        var tenants = await CreateTenantsAsync(cli, 3);
        var first = await WriteSqlAsync(InsertWelcomeProduct);
        // The second statement fails for one tenant only (a division by a constant zero would fail at planning, for all), after the first has inserted its row.
        var failing = await WriteSqlAsync($"""
            INSERT INTO products (id, tenant_id, sku, name, price)
            VALUES (gen_random_uuid(), current_setting('tenancy.tenant_id')::uuid, 'SECOND', 'Second', 1);
            SELECT 1 / CASE WHEN current_setting('tenancy.tenant_identifier') = '{tenants[1]}' THEN 0 ELSE 1 END;
            """);

        var all = await cli.ExpectAsync(ExitCodes.Ok, "tenants", "exec", "--all", "--sql", first);
        Assert.Contains("ran in 3/3 tenants (0 failed)", all.Output, StringComparison.Ordinal);
        foreach (var tenant in tenants)
        {
            Assert.Equal(1, await ProductsAsync(cli, tenant));
        }

        var result = await cli.ExpectAsync(ExitCodes.Failed, "tenants", "exec", "--all", "--sql", failing);

        Assert.Contains("3 tenants: 2 succeeded, 1 failed", result.Output, StringComparison.Ordinal);
        Assert.Contains(result.Output.Split('\n'), l => l.Contains(tenants[1], StringComparison.Ordinal) && l.Contains("22012: division by zero", StringComparison.Ordinal));
        Assert.Equal(2, await ProductsAsync(cli, tenants[0]));
        Assert.Equal(1, await ProductsAsync(cli, tenants[1]));
        Assert.Equal(2, await ProductsAsync(cli, tenants[2]));
    }

    [Fact]
    public async Task Exec_refuses_unknown_and_malformed_tenants_before_running_anything()
    {
        var cli = await CliRun.NewDatabaseAsync(postgres.ConnectionString);
        await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--shared");
        var tenants = await CreateTenantsAsync(cli, 1);
        var sql = await WriteSqlAsync(InsertWelcomeProduct);

        var unknown = await cli.ExpectAsync(ExitCodes.Failed, "tenants", "exec", "--tenant", tenants[0], "--tenant", "no-such-tenant", "--sql", sql);
        Assert.Equal("tenancy: error: No tenant 'no-such-tenant'.", Assert.Single(unknown.ErrorLines));

        var malformed = await cli.ExpectAsync(ExitCodes.Failed, "tenants", "exec", "--tenant", "Robert'); DROP TABLE products; --", "--sql", sql);
        Assert.StartsWith("tenancy: error: invalid identifier: ", Assert.Single(malformed.ErrorLines), StringComparison.Ordinal);

        Assert.Equal(0, await ProductsAsync(cli, tenants[0]));
    }

    private static async Task<string[]> CreateTenantsAsync(CliRun cli, int count)
    {
        var identifiers = Enumerable.Range(0, count).Select(_ => PostgresFixture.NewIdentifier("cli")).Order(StringComparer.Ordinal).ToArray();
        foreach (var identifier in identifiers)
        {
            await cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", $"Tenant {identifier}");
        }

        return identifiers;
    }

    private static Task<long> ProductsAsync(CliRun cli, string identifier) =>
        cli.CountAsync($"""SELECT count(*) FROM "{TenantStoreNames.ToSchemaName(identifier)}".products""");

    private async Task<string> WriteSqlAsync(string sql)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tenancy-cli-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(path, sql);
        _sqlFiles.Add(path);
        return path;
    }

    public void Dispose() => _sqlFiles.ForEach(File.Delete);
}
