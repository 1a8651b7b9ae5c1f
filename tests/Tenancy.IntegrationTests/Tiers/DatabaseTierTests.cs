using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Context;
using Tenancy.Deletion;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Tiers;

/// <summary>The database tier: a database per tenant, bounded pools, and one set of operations with the other tiers.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseTierTests(PostgresFixture fixture)
{
    private static readonly TenantMigrationScript AddNote = new(
        "29990101000000_AddProductNote",
        $"ALTER TABLE \"{TenantSchema.Placeholder}\".products ADD COLUMN note text;");

    [Fact]
    public async Task Three_tenants_one_per_tier_each_see_only_their_own_rows()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var (shared, schema, database) = (await tiers.ProvisionAsync(TenantIsolation.Shared), await tiers.ProvisionAsync(TenantIsolation.Schema), await tiers.ProvisionAsync(TenantIsolation.Database));
        await tiers.AddProductAsync(shared, "S-1", "shared's");
        await tiers.AddProductAsync(schema, "C-1", "schema's");
        await tiers.AddProductAsync(database, "D-1", "database's");
        await tiers.AddProductAsync(database, "D-2", "database's");

        Assert.Equal(["S-1"], await tiers.SkusAsync(shared));
        Assert.Equal(["C-1"], await tiers.SkusAsync(schema));
        Assert.Equal(["D-1", "D-2"], await tiers.SkusAsync(database));
        // The database tenant's rows are in its own database, and nowhere in the main one.
        Assert.Equal(TenantStoreNames.ToDatabaseName(database.Identifier), database.DatabaseName);
        Assert.Equal(2L, await tiers.AsApplicationAsync<long>($"SELECT count(*) FROM {database.SchemaName}.products", database.DatabaseName));
        Assert.False(await tiers.Services.SchemaExistsAsync(database.SchemaName!));
    }

    [Fact]
    public async Task Another_tenants_database_is_closed_to_connections_other_than_the_application_role()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var database = await tiers.ProvisionAsync(TenantIsolation.Database);
        var outsider = "outsider_" + Guid.NewGuid().ToString("N")[..8];
        await tiers.Services.ExecuteAsync($"CREATE ROLE {outsider} LOGIN PASSWORD 'x'");

        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(tiers.OwnerConnectionString) { Database = database.DatabaseName, Username = outsider, Password = "x" }.ConnectionString);
            await connection.OpenAsync();
        });
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task Migrate_all_covers_the_shared_schema_every_tenant_schema_and_every_tenant_database()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var (schema, database) = (await tiers.ProvisionAsync(TenantIsolation.Schema), await tiers.ProvisionAsync(TenantIsolation.Database));
        var runner = new TenantMigrationRunner(
            tiers.Services.GetRequiredService<NpgsqlDataSource>(),
            tiers.Services.GetRequiredService<TenantMigrationCatalog>().With(AddNote),
            tiers.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<RegistryDbContext>>(),
            tiers.Services.GetRequiredService<TenantRegistry>(),
            tiers.Services.GetRequiredService<RegistryConnection>(),
            tiers.Services.GetRequiredService<TenantStoreConnections>());

        Assert.Equal(
            new[] { database.Identifier, schema.Identifier }.Order(StringComparer.Ordinal),
            (await runner.CheckAsync()).Where(s => s.Pending.Contains(AddNote.Id)).Select(s => s.Identifier).Order(StringComparer.Ordinal));
        var shared = await runner.MigrateSharedAsync();
        var tenants = await runner.MigrateTenantsAsync();

        Assert.Equal([$"shared: {AddNote.Id}"], shared);
        Assert.All(tenants, r => Assert.Equal(TenantMigrationOutcome.Migrated, r.Outcome));
        Assert.Empty((await runner.CheckAsync()).SelectMany(s => s.Pending));
        Assert.True(await ColumnExistsAsync(tiers.Services, "shared", "note"));
        Assert.True(await ColumnExistsAsync(tiers.Services, schema.SchemaName!, "note"));
        Assert.Equal(1L, await tiers.AsApplicationAsync<long>(
            $"SELECT count(*) FROM information_schema.columns WHERE table_schema = '{database.SchemaName}' AND table_name = 'products' AND column_name = 'note'", database.DatabaseName));
        // The application role can use the migrated tables, and the new column, in every tier.
        Assert.Equal(0L, await tiers.AsApplicationAsync<long>($"SELECT count(note) FROM {database.SchemaName}.products", database.DatabaseName));
        Assert.Equal(0L, await tiers.AsApplicationAsync<long>("SELECT count(note) FROM shared.products"));
        Assert.Empty(await runner.MigrateSharedAsync());
    }

    [Fact]
    public async Task A_failed_provisioning_leaves_no_database_and_a_database_left_by_a_killed_run_is_replaced()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var identifier = PostgresFixture.NewIdentifier("dbfail");
        var broken = new TenantProvisioner(
            tiers.Services.GetRequiredService<Registry.TenantRegistry>(),
            tiers.Services.GetRequiredService<TenantMigrationCatalog>().With(new TenantMigrationScript("29990101000000_Broken", "SELECT no_such_function();")),
            tiers.Services.GetRequiredService<TenantValidation>(),
            tiers.Services.GetRequiredService<TenancyOptions>(),
            tiers.Services.GetRequiredService<TenantStoreConnections>(),
            TimeProvider.System);

        await Assert.ThrowsAsync<PostgresException>(() => broken.ProvisionAsync(new NewTenant(identifier, "Broken", Isolation: TenantIsolation.Database)));
        Assert.False(await DatabaseExistsAsync(tiers.Services, TenantStoreNames.ToDatabaseName(identifier)));
        Assert.False(await tiers.Services.TenantRowExistsAsync(identifier));

        // A run killed after CREATE DATABASE leaves a database that no registry row names.
        await tiers.Services.ExecuteAsync($"CREATE DATABASE {TenantStoreNames.ToDatabaseName(identifier)}");
        var tenant = await tiers.Services.GetRequiredService<TenantProvisioner>().ProvisionAsync(new NewTenant(identifier, "Retried", Isolation: TenantIsolation.Database));
        Assert.Equal(TenantIsolation.Database, tenant.Isolation);
        var conflict = await Assert.ThrowsAsync<TenantConflictException>(() =>
            tiers.Services.GetRequiredService<TenantProvisioner>().ProvisionAsync(new NewTenant(identifier, "Again", Isolation: TenantIsolation.Database)));
        Assert.Contains($"'{identifier}' is taken by a tenant (active) whose name differs", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_connection_references_and_references_on_other_tiers_are_refused_before_sql()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var provisioner = tiers.Services.GetRequiredService<TenantProvisioner>();

        var unknown = await Assert.ThrowsAsync<TenantValidationException>(() =>
            provisioner.ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier(), "X", Isolation: TenantIsolation.Database, ConnectionReference: "nowhere")));
        var wrongTier = await Assert.ThrowsAsync<TenantValidationException>(() =>
            provisioner.ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier(), "X", Isolation: TenantIsolation.Schema, ConnectionReference: "nowhere")));

        Assert.Contains("Tenancy:Connections:nowhere", unknown.Errors["connectionReference"][0], StringComparison.Ordinal);
        Assert.True(wrongTier.Errors.ContainsKey("connectionReference"));
    }

    [Fact]
    public async Task A_connection_reference_places_the_database_on_the_server_it_names_and_the_registry_holds_no_credential()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, new Dictionary<string, string?> { ["Tenancy:Connections:secondary"] = fixture.ConnectionString });
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Database, reference: "secondary");
        await tiers.AddProductAsync(tenant, "R-1", "referenced");

        Assert.Equal(["R-1"], await tiers.SkusAsync(tenant));
        Assert.Equal("secondary", tenant.ConnectionReference);
        var row = await tiers.Services.ScalarAsync<string>("SELECT row_to_json(t)::text FROM tenancy.tenants t WHERE id = $1", tenant.Id);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Password!, row!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_database_tenant_drops_its_database()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Database);
        await tiers.AddProductAsync(tenant, "D-1", "doomed");

        await using (var scope = tiers.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TenantRegistry>().DeleteAsync(tenant.Identifier);
        }

        Assert.Contains(tenant.Identifier, await tiers.Services.GetRequiredService<TenantDataReaper>().DropDeletedTenantsAsync());
        Assert.False(await DatabaseExistsAsync(tiers.Services, tenant.DatabaseName!));
    }

    [Fact]
    public async Task Connections_to_tenant_databases_stay_under_the_global_cap()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, new Dictionary<string, string?>
        {
            ["Tenancy:Databases:MaxConnections"] = "4",
            ["Tenancy:Databases:MaxPoolSizePerDatabase"] = "2",
            // The test is about the cap, not the refusal: on a loaded machine 8 writers may wait for a pool past 5 s.
            ["Tenancy:Databases:AcquireTimeoutSeconds"] = "60",
        });
        var tenants = new List<TenantInfo>();
        for (var i = 0; i < 8; i++)
        {
            tenants.Add(await tiers.ProvisionAsync(TenantIsolation.Database, "cap"));
        }

        var pools = tiers.Services.GetRequiredService<TenantDatabasePools>();
        var scopes = tiers.Services.GetRequiredService<TenantScopeFactory>();
        var peak = 0L;
        await Parallel.ForEachAsync(Enumerable.Range(0, 120), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            await using var scope = scopes.BeginScope(tenants[i % tenants.Count]);
            var db = scope.Services.GetRequiredService<SalesDbContext>();
            db.Products.Add(new Product { Sku = $"P-{i}", Name = "p", Price = 1 });
            await db.SaveChangesAsync();
            var open = await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'tenant_cap_%'");
            InterlockedMax(ref peak, open);
        });

        // Uncapped, 8 databases with pools of 2 could hold 16. The server may still list, for a moment, the exiting
        // backend of a pool evicted just before (hence one pool's worth of slack); the pools themselves never pass the cap.
        Assert.InRange(peak, 1, 4 + 2);
        Assert.InRange(pools.OpenPools, 1, 2);
        Assert.Equal(120, (await Task.WhenAll(tenants.Select(tiers.SkusAsync))).Sum(s => s.Count));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static Task<bool> DatabaseExistsAsync(IServiceProvider services, string database) =>
        services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", database);

    private static Task<bool> ColumnExistsAsync(IServiceProvider services, string schema, string column) =>
        services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'products' AND column_name = $2)", schema, column);
}
