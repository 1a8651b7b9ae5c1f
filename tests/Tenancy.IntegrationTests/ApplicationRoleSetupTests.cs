using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tenancy.Context;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests;

/// <summary>
/// The startup migration creates the application role where ARM cannot (Azure's PostgreSQL Flexible Server): as an
/// owner that, like Azure's administrator, is no superuser but may create roles and databases.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApplicationRoleSetupTests(PostgresFixture fixture)
{
    /// <summary>A password a naive literal would break on: the server quotes it (format %L).</summary>
    private const string AwkwardPassword = "it's\\'; DROP ROLE postgres; -- $x$ \"q\"";

    [Fact]
    public async Task A_missing_role_is_created_unprivileged_owning_nothing_granted_every_tier_and_walled_by_row_security()
    {
        var owner = await CreateOwnedDatabaseAsync();
        var role = "app_" + Guid.NewGuid().ToString("N")[..10];
        var application = new NpgsqlConnectionStringBuilder(owner) { Username = role, Password = AwkwardPassword }.ConnectionString;

        // A deployment that ran without the role: a schema-tier and a database-tier tenant exist before the role does.
        var before = Services(owner, applicationConnectionString: null);
        await before.GetRequiredService<StartupMigrator>().MigrateAsync(includeTenants: true);
        var early = await ProvisionAsync(before, TenantIsolation.Schema);
        var earlyDatabase = await ProvisionAsync(before, TenantIsolation.Database);
        Assert.False(await before.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", role));

        // The next Worker start is given ConnectionStrings:tenancydb-app: it creates the role, and the grants follow.
        var services = Services(owner, application);
        await services.GetRequiredService<StartupMigrator>().MigrateAsync(includeTenants: true);

        Assert.Equal(
            "login:True super:False bypassrls:False createrole:False createdb:False replication:False",
            await services.ScalarAsync<string>(
                "SELECT format('login:%s super:%s bypassrls:%s createrole:%s createdb:%s replication:%s', initcap(rolcanlogin::text), initcap(rolsuper::text), initcap(rolbypassrls::text), initcap(rolcreaterole::text), initcap(rolcreatedb::text), initcap(rolreplication::text)) FROM pg_roles WHERE rolname = $1",
                role));
        Assert.Equal(0L, await services.ScalarAsync<long>(
            """
            SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid) + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)
                 + (SELECT count(*) FROM pg_database WHERE datdba = r.oid) + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
            FROM pg_roles r WHERE r.rolname = $1
            """,
            role));

        // It logs in with exactly the configured password, and reaches the tenant that existed before it and new ones.
        var (a, b) = (await ProvisionAsync(services, TenantIsolation.Shared), await ProvisionAsync(services, TenantIsolation.Shared));
        var late = await ProvisionAsync(services, TenantIsolation.Schema);
        foreach (var (tenant, sku) in new[] { (a, "A-1"), (b, "B-1"), (early, "E-1"), (late, "L-1"), (earlyDatabase, "D-1") })
        {
            await AddProductAsync(services, tenant, sku);
        }

        Assert.Equal("E-1", await AsAsync<string>(application, $"SELECT string_agg(sku, ',') FROM {SqlIdentifier.Quote(early.SchemaName!)}.products"));
        Assert.Equal("L-1", await AsAsync<string>(application, $"SELECT string_agg(sku, ',') FROM {SqlIdentifier.Quote(late.SchemaName!)}.products"));
        var inTenantDatabase = new NpgsqlConnectionStringBuilder(application) { Database = earlyDatabase.DatabaseName }.ConnectionString;
        Assert.Equal("D-1", await AsAsync<string>(inTenantDatabase, $"SELECT string_agg(sku, ',') FROM {SqlIdentifier.Quote(earlyDatabase.SchemaName!)}.products"));
        // As provisioning leaves it: the tenant's database admits the application role, not every login.
        Assert.False(await services.ScalarAsync<bool>("SELECT has_database_privilege('public', $1, 'CONNECT')", earlyDatabase.DatabaseName!));
        // Crossing tenants in the shared tier: tenant a's transaction sees a's row only, whatever the query asks for.
        Assert.Equal("A-1", await AsAsync<string>(application, $"{TenantRowSecurity.Prefix(a.Id)} SELECT string_agg(sku, ',') FROM shared.products WHERE tenant_id = '{b.Id}' OR true"));
        Assert.Equal(0L, await AsAsync<long>(application, "SELECT count(*) FROM shared.products"));
        var forged = await Assert.ThrowsAsync<PostgresException>(() => AsAsync<object>(
            application, $"{TenantRowSecurity.Prefix(a.Id)} INSERT INTO shared.products (id, tenant_id, sku, name, price) VALUES (gen_random_uuid(), '{b.Id}', 'FORGED', 'x', 1)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, forged.SqlState);
    }

    [Fact]
    public async Task An_existing_role_is_left_as_it_is()
    {
        var owner = await CreateOwnedDatabaseAsync();
        var role = "app_" + Guid.NewGuid().ToString("N")[..10];
        var original = Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            // As the AppHost creates it locally, plus an attribute an ALTER would have to restate to keep.
            await using var create = new NpgsqlCommand($"CREATE ROLE {role} LOGIN PASSWORD '{original}' NOSUPERUSER NOBYPASSRLS CONNECTION LIMIT 7", connection);
            await create.ExecuteNonQueryAsync();
        }

        var other = new NpgsqlConnectionStringBuilder(owner) { Username = role, Password = "a-different-password" }.ConnectionString;
        var services = Services(owner, other);
        await services.GetRequiredService<StartupMigrator>().MigrateAsync(includeTenants: true);
        await using (var session = new NpgsqlConnection(owner))
        {
            await session.OpenAsync();
            Assert.False(await ApplicationRoleSetup.EnsureAsync(session, other, CancellationToken.None));
        }

        Assert.Equal(7, await services.ScalarAsync<int>("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1", role));
        var withOriginal = new NpgsqlConnectionStringBuilder(owner) { Username = role, Password = original }.ConnectionString;
        Assert.Equal(0L, await AsAsync<long>(withOriginal, "SELECT count(*) FROM shared.products"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => AsAsync<long>(other, "SELECT 1"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Theory]
    [InlineData("pg_monitor")]
    [InlineData("")]
    [InlineData("a_name_that_is_far_too_long_for_postgresql_which_would_truncate_it")]
    public async Task A_role_name_postgresql_would_refuse_or_truncate_is_rejected_before_any_sql(string role)
    {
        var before = await fixture.Services.ScalarAsync<long>("SELECT count(*) FROM pg_roles");
        await using var session = new NpgsqlConnection(fixture.ConnectionString);
        await session.OpenAsync();
        var application = new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { Username = role, Password = "x" }.ConnectionString;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ApplicationRoleSetup.EnsureAsync(session, application, CancellationToken.None));
        Assert.Contains("role", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await fixture.Services.ScalarAsync<long>("SELECT count(*) FROM pg_roles"));
    }

    /// <summary>A database owned by a login that may create roles and databases but is no superuser, as on Azure.</summary>
    private async Task<string> CreateOwnedDatabaseAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (database, owner, password) = ("roles_" + suffix, "owner_" + suffix, Guid.NewGuid().ToString("N"));
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            // CREATE DATABASE runs alone: not in a multi-statement command.
            await using var createRole = new NpgsqlCommand($"CREATE ROLE {owner} LOGIN PASSWORD '{password}' NOSUPERUSER CREATEROLE CREATEDB", connection);
            await createRole.ExecuteNonQueryAsync();
            await using var createDatabase = new NpgsqlCommand($"CREATE DATABASE {database} OWNER {owner}", connection);
            await createDatabase.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { Database = database, Username = owner, Password = password }.ConnectionString;
    }

    private static IServiceProvider Services(string ownerConnectionString, string? applicationConnectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = ownerConnectionString,
            ["ConnectionStrings:tenancydb-app"] = applicationConnectionString,
        });
        builder.AddTenancy<SalesDbContext>("tenancydb");
        return builder.Build().Services;
    }

    private static async Task<TenantInfo> ProvisionAsync(IServiceProvider services, TenantIsolation isolation)
    {
        var tenant = await services.GetRequiredService<TenantProvisioner>()
            .ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier("role"), "Role test", Isolation: isolation));
        return (await services.GetRequiredService<TenantLookup>().FindByIdentifierAsync(tenant.Identifier))!;
    }

    private static async Task AddProductAsync(IServiceProvider services, TenantInfo tenant, string sku)
    {
        await using var scope = services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        db.Products.Add(new Product { Sku = sku, Name = sku, Price = 1 });
        await db.SaveChangesAsync();
    }

    private static async Task<T?> AsAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}
