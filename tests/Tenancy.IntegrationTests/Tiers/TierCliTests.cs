using Tenancy.Cli;
using Tenancy.IntegrationTests.Cli;

namespace Tenancy.IntegrationTests.Tiers;

/// <summary>The tier commands of the real CLI: create on a tier, move, backup, restore, clone; bad input exits non-zero with one line.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TierCliTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Create_move_backup_restore_and_clone_through_the_cli()
    {
        var cli = await CliRun.NewDatabaseAsync(fixture.ConnectionString);
        await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--shared");
        var identifier = PostgresFixture.NewIdentifier("cli");
        await cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "On the shared tier", "--isolation", "shared");
        var tenantId = await TenantIdAsync(cli, identifier);
        await cli.ExecuteAsync($"INSERT INTO shared.products (id, tenant_id, sku, name, price) VALUES (gen_random_uuid(), '{tenantId}', 'CLI-1', 'from psql', 3)");

        var moved = await cli.ExpectAsync(ExitCodes.Ok, "tenants", "move", identifier, "--to", "database", "--json");
        Assert.Equal(1, moved.Json().GetProperty("tables").GetProperty("products").GetProperty("rows").GetInt64());
        Assert.Equal(1L, await cli.CountAsync("SELECT count(*) FROM tenancy.tenants WHERE identifier = $1 AND isolation = 'Database'", identifier));

        var file = Path.Combine(Path.GetTempPath(), $"{identifier}.tenant.zip");
        await cli.ExpectAsync(ExitCodes.Ok, "tenants", "backup", identifier, "--out", file);
        var restored = PostgresFixture.NewIdentifier("restored");
        await cli.ExpectAsync(ExitCodes.Ok, "tenants", "restore", file, "--as", restored, "--isolation", "schema");
        Assert.Equal(1L, await cli.CountAsync($"SELECT count(*) FROM {Placement.TenantStoreNames.ToSchemaName(restored)}.products WHERE sku = 'CLI-1'"));

        var clone = PostgresFixture.NewIdentifier("clone");
        await cli.ExpectAsync(ExitCodes.Ok, "tenants", "clone", restored, clone, "--isolation", "shared");
        Assert.Equal(1L, await cli.CountAsync("SELECT count(*) FROM shared.products p JOIN tenancy.tenants t ON t.id = p.tenant_id WHERE t.identifier = $1", clone));
        File.Delete(file);

        var probed = await cli.ExpectAsync(ExitCodes.Ok, "tenants", "test-connections", "--json");
        Assert.Equal(new[] { clone, identifier, restored }.Order(StringComparer.Ordinal), probed.Json().EnumerateArray().Select(c => c.GetProperty("identifier").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(probed.Json().EnumerateArray(), c => Assert.True(c.GetProperty("reachable").GetBoolean()));
    }

    [Fact]
    public async Task Bad_tier_input_exits_non_zero_with_one_line_and_changes_nothing()
    {
        var cli = await CliRun.NewDatabaseAsync(fixture.ConnectionString);
        await cli.ExpectAsync(ExitCodes.Ok, "migrate", "--shared");
        var identifier = PostgresFixture.NewIdentifier("cli");
        await cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "x");

        var unknownTier = await cli.ExpectAsync(ExitCodes.Usage, "tenants", "move", identifier, "--to", "cloud");
        var unknownReference = await cli.ExpectAsync(ExitCodes.Failed, "tenants", "move", identifier, "--to", "database", "--connection-ref", "nowhere");
        var sameTier = await cli.ExpectAsync(ExitCodes.Failed, "tenants", "move", identifier, "--to", "schema");
        var notAnArchive = Path.GetTempFileName();
        var badArchive = await cli.ExpectAsync(ExitCodes.Failed, "tenants", "restore", notAnArchive, "--as", PostgresFixture.NewIdentifier("r"));
        File.Delete(notAnArchive);

        Assert.All(new[] { unknownReference, sameTier, badArchive }, r => Assert.Single(r.ErrorLines));
        Assert.StartsWith("tenancy: error: Argument 'cloud' not recognized", unknownTier.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("Tenancy:Connections:nowhere", unknownReference.Error, StringComparison.Ordinal);
        Assert.Equal(1L, await cli.CountAsync("SELECT count(*) FROM tenancy.tenants"));
    }

    private static async Task<Guid> TenantIdAsync(CliRun cli, string identifier)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cli.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id FROM tenancy.tenants WHERE identifier = $1", connection) { Parameters = { new Npgsql.NpgsqlParameter { Value = identifier } } };
        return (Guid)(await command.ExecuteScalarAsync())!;
    }
}
