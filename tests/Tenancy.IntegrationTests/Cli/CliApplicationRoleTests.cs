using Npgsql;
using Tenancy.Cli;
using Tenancy.IntegrationTests.Tiers;
using Tenancy.Isolation;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Cli;

/// <summary>
/// Tenants the CLI builds are served at once by the application role, as the Api serves them (TierDatabase's services
/// are wired as the Api's: tenant data through the role), whether the CLI knows the role's connection string or only
/// the owner's; and when it cannot tell which role that is, it refuses before building anything.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CliApplicationRoleTests(PostgresFixture fixture) : IDisposable
{
    private readonly AppHostFolders _folders = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tenants_the_cli_creates_clones_restores_and_moves_are_served_by_the_application_role(bool fromAppHostFile)
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        // The AppHost's file gives the role's connection string; the owner's alone leaves the CLI to find the role.
        var environment = fromAppHostFile
            ? CliRun.Variables((AppHostDataFolder.Variable, _folders.WithConnections(tiers.OwnerConnectionString, tiers.ApplicationConnectionString)))
            : CliRun.Variables((CliConnections.DatabaseVariable, tiers.OwnerConnectionString));
        var (schema, database, shared) = (PostgresFixture.NewIdentifier("schema"), PostgresFixture.NewIdentifier("db"), PostgresFixture.NewIdentifier("shared"));

        var created = new[]
        {
            await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "create", schema, "--name", "Schema tier"),
            await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "create", database, "--name", "Database tier", "--isolation", "database"),
            await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "create", shared, "--name", "Shared tier", "--isolation", "shared"),
        };
        foreach (var identifier in new[] { schema, database, shared })
        {
            var tenant = await tiers.FindAsync(identifier);
            await tiers.AddProductAsync(tenant, $"P-{identifier}", "written as the application role");
            Assert.Equal([$"P-{identifier}"], await tiers.SkusAsync(tenant));
        }

        Assert.Equal(1L, await tiers.AsApplicationAsync<long>($"SELECT count(*) FROM {SqlIdentifier.Quote(TenantStoreNames.ToSchemaName(schema))}.products"));

        var (clone, restored) = (PostgresFixture.NewIdentifier("clone"), PostgresFixture.NewIdentifier("restored"));
        var archive = Path.Combine(Path.GetTempPath(), $"{database}.tenant.zip");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "clone", schema, clone, "--isolation", "database");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "backup", database, "--out", archive);
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "restore", archive, "--as", restored);
        File.Delete(archive);
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "move", shared, "--to", "schema");
        foreach (var (identifier, sku) in new[] { (clone, $"P-{schema}"), (restored, $"P-{database}"), (shared, $"P-{shared}") })
        {
            var tenant = await tiers.FindAsync(identifier);
            Assert.Equal([sku], await tiers.SkusAsync(tenant));
            await tiers.AddProductAsync(tenant, "WRITTEN", "after");
        }

        Assert.Equal(TenantIsolation.Schema, (await tiers.FindAsync(shared)).Isolation);
        // The new tenant databases admit the application role, not every login.
        Assert.False(await tiers.Services.ScalarAsync<bool>("SELECT has_database_privilege('public', $1, 'CONNECT')", (await tiers.FindAsync(database)).DatabaseName!));
        Assert.All(created, r => r.AssertShowsNone([.. CliRun.Passwords(tiers.OwnerConnectionString), .. CliRun.Passwords(tiers.ApplicationConnectionString)]));
    }

    [Fact]
    public async Task Migrations_the_cli_applies_are_granted_to_the_application_role()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var environment = CliRun.Variables((CliConnections.DatabaseVariable, tiers.OwnerConnectionString));
        var identifier = PostgresFixture.NewIdentifier("migrated");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "create", identifier, "--name", "Migrated");
        var schema = SqlIdentifier.Quote(TenantStoreNames.ToSchemaName(identifier));
        // As if the tenant had been made before its last migration: that migration's tables, unrecorded and gone.
        await tiers.Services.ExecuteAsync(
            $"DROP SCHEMA {schema} CASCADE; CREATE SCHEMA {schema}; " +
            $"DELETE FROM tenancy.tenant_migrations WHERE tenant_id = (SELECT id FROM tenancy.tenants WHERE identifier = '{identifier}')");

        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "migrate", "--tenant", identifier);

        await tiers.AddProductAsync(await tiers.FindAsync(identifier), "AFTER-MIGRATE", "x");
        Assert.Equal(1L, await tiers.AsApplicationAsync<long>($"SELECT count(*) FROM {schema}.products"));
    }

    [Fact]
    public async Task Shared_tenants_the_cli_creates_stay_walled_from_each_other_for_the_application_role()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var environment = CliRun.Variables((CliConnections.DatabaseVariable, tiers.OwnerConnectionString));
        var (first, second) = (PostgresFixture.NewIdentifier("a"), PostgresFixture.NewIdentifier("b"));
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "create", first, "--name", "A", "--isolation", "shared");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "create", second, "--name", "B", "--isolation", "shared");
        var (a, b) = (await tiers.FindAsync(first), await tiers.FindAsync(second));
        await tiers.AddProductAsync(a, "A-1", "a's");
        await tiers.AddProductAsync(b, "B-1", "b's");

        Assert.Equal(["A-1"], await tiers.SkusAsync(a));
        Assert.Equal(0L, await tiers.AsApplicationAsync<long>("SELECT count(*) FROM shared.products"));
        Assert.Equal("A-1", await tiers.AsApplicationAsync<string>($"{TenantRowSecurity.Prefix(a.Id)} SELECT string_agg(sku, ',') FROM shared.products WHERE tenant_id = '{b.Id}' OR true"));
        var forged = await Assert.ThrowsAsync<PostgresException>(() => tiers.AsApplicationAsync<object>(
            $"{TenantRowSecurity.Prefix(a.Id)} INSERT INTO shared.products (id, tenant_id, sku, name, price) VALUES (gen_random_uuid(), '{b.Id}', 'FORGED', 'x', 1)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, forged.SqlState);
        // Granting is all the CLI did for the role: it owns nothing and bypasses nothing.
        Assert.False(await tiers.AsApplicationAsync<bool>("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"));
        Assert.False(await tiers.AsApplicationAsync<bool>("SELECT coalesce(bool_or(tableowner = current_user), false) FROM pg_tables"));
    }

    [Fact]
    public async Task A_role_granted_only_reads_of_the_shared_schema_is_not_taken_for_the_application_role()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var reporting = "reports_" + Guid.NewGuid().ToString("N")[..10];
        await tiers.Services.ExecuteAsync(
            $"CREATE ROLE {reporting} NOLOGIN; GRANT USAGE ON SCHEMA shared TO {reporting}; GRANT SELECT ON ALL TABLES IN SCHEMA shared TO {reporting}");
        var identifier = PostgresFixture.NewIdentifier("cli");

        await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((CliConnections.DatabaseVariable, tiers.OwnerConnectionString)), "tenants", "create", identifier, "--name", "x");

        await tiers.AddProductAsync(await tiers.FindAsync(identifier), "P-1", "x");
        Assert.False(await tiers.Services.ScalarAsync<bool>("SELECT has_schema_privilege($1, $2, 'USAGE')", reporting, TenantStoreNames.ToSchemaName(identifier)));
    }

    [Fact]
    public async Task When_two_roles_are_granted_as_the_application_role_the_cli_refuses_to_build_stores_before_anything_is_made()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var other = "other_" + Guid.NewGuid().ToString("N")[..10];
        await tiers.Services.ExecuteAsync(
            $"CREATE ROLE {other} NOLOGIN; GRANT USAGE ON SCHEMA shared TO {other}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shared TO {other}");
        var ownerOnly = CliRun.Variables((CliConnections.DatabaseVariable, tiers.OwnerConnectionString));
        var existing = PostgresFixture.NewIdentifier("existing");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((CliConnections.DatabaseVariable, tiers.OwnerConnectionString), (CliConnections.ApplicationVariable, tiers.ApplicationConnectionString)),
            "tenants", "create", existing, "--name", "Made with the role's connection");
        var identifier = PostgresFixture.NewIdentifier("refused");

        var refused = new[]
        {
            await CliRun.ExpectWithAsync(ExitCodes.Failed, ownerOnly, "tenants", "create", identifier, "--name", "x", "--owner-email", "owner@refused.example"),
            await CliRun.ExpectWithAsync(ExitCodes.Failed, ownerOnly, "tenants", "create", identifier, "--name", "x", "--isolation", "database"),
            await CliRun.ExpectWithAsync(ExitCodes.Failed, ownerOnly, "tenants", "clone", existing, identifier),
            await CliRun.ExpectWithAsync(ExitCodes.Failed, ownerOnly, "tenants", "move", existing, "--to", "database"),
            await CliRun.ExpectWithAsync(ExitCodes.Failed, ownerOnly, "migrate"),
        };

        var roles = string.Join(", ", new[] { tiers.Role, other }.Order(StringComparer.Ordinal));
        Assert.All(refused, r => Assert.Equal(
            $"tenancy: error: the shared schema is granted to the roles {roles}, so which one serves tenant data is unclear and nothing was done: " +
            "give the application role's connection string (ConnectionStrings__tenancydb-app)",
            Assert.Single(r.ErrorLines)));
        Assert.False(await tiers.Services.TenantRowExistsAsync(identifier));
        Assert.False(await tiers.Services.SchemaExistsAsync(TenantStoreNames.ToSchemaName(identifier)));
        Assert.False(await tiers.Services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", "tenant_" + identifier.Replace('-', '_')));
        Assert.False(await tiers.Services.SchemaExistsAsync("accounts"));
        Assert.Equal(TenantIsolation.Schema, (await tiers.FindAsync(existing)).Isolation);
        // Commands that build nothing still run.
        await CliRun.ExpectWithAsync(ExitCodes.Ok, ownerOnly, "tenants", "list");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, ownerOnly, "migrate", "--check");
    }

    public void Dispose() => _folders.Dispose();



}
