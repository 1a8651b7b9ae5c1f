using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Registry;

namespace Tenancy.IntegrationTests;

/// <summary>Startup migrations with replicas: two instances that start together take turns under the advisory lock.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StartupMigratorTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Two_migrators_started_together_take_turns_one_applies_and_the_other_finds_nothing_to_do()
    {
        var connectionString = await PostgresFixture.CreateEmptyDatabaseAsync(fixture.ConnectionString);
        var first = PostgresFixture.CreateServices(connectionString);
        var second = PostgresFixture.CreateServices(connectionString);
        var api = PostgresFixture.CreateServices(connectionString);
        Assert.NotEmpty(await first.GetRequiredService<TenantMigrationRunner>().GetPendingSharedAsync());

        // Hold the lock, so both migrators are surely waiting on it before either can run.
        await using var holder = await HoldLockAsync(connectionString);
        var runs = new[] { first, second }.Select(s => s.GetRequiredService<StartupMigrator>().MigrateAsync(includeTenants: true)).ToArray();
        var apiReady = api.GetRequiredService<StartupMigrator>().WaitForSharedSchemaAsync(TimeSpan.FromMilliseconds(50));
        await Eventually.TrueAsync(async () => await WaitingForLockAsync(first) == 2);
        await Task.Delay(300);
        Assert.All(runs, run => Assert.False(run.IsCompleted));
        Assert.False(apiReady.IsCompleted, "The Api must not be ready while the shared schema is pending.");

        await holder.CloseAsync();
        var results = await Task.WhenAll(runs);
        await apiReady.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(results, r => Assert.True(r.WaitedForLock));
        var applied = Assert.Single(results, r => r.Shared.Count > 0);
        // The registry's migrations, then the shared tier's schema (since the tiers merge): each once, by one instance.
        var registryMigrations = first.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContext().Database.GetMigrations().ToList();
        var sharedSchema = first.GetRequiredService<TenantMigrationCatalog>().Migrations.Select(m => $"{TenantStoreNames.SharedSchema}: {m.Id}");
        Assert.Equal(registryMigrations.Concat(sharedSchema), applied.Shared);
        Assert.Single(results, r => r.Shared.Count == 0);
        Assert.Empty(await first.GetRequiredService<TenantMigrationRunner>().GetPendingSharedAsync());
        Assert.Equal(
            (long)registryMigrations.Count,
            await first.ScalarAsync<long>("SELECT count(*) FROM tenancy.__migrations"));
    }

    [Fact]
    public async Task Tenant_migrations_from_two_replicas_reach_each_tenant_once_and_only_its_own_schema()
    {
        var services = await fixture.CreateIsolatedDatabaseAsync();
        var provisioner = services.GetRequiredService<TenantProvisioner>();
        await provisioner.ProvisionAsync(new NewTenant("alpha", "Alpha"));
        await provisioner.ProvisionAsync(new NewTenant("beta", "Beta"));
        await services.ExecuteAsync("ALTER TABLE t_beta.products ADD COLUMN IF NOT EXISTS marker text");
        var addNote = new TenantMigrationScript(
            "29990101000002_AddProductNote",
            $"ALTER TABLE \"{TenantSchema.Placeholder}\".products ADD COLUMN note text;");

        await using var holder = await HoldLockAsync(services.GetRequiredService<RegistryConnection>().DirectConnectionString);
        var runs = Enumerable.Range(0, 2).Select(_ => MigratorWith(services, addNote).MigrateAsync(includeTenants: true)).ToArray();
        await Eventually.TrueAsync(async () => await WaitingForLockAsync(services) == 2);
        await holder.CloseAsync();
        var results = await Task.WhenAll(runs);

        var migrated = results.SelectMany(r => r.Tenants).Where(t => t.Outcome == TenantMigrationOutcome.Migrated).ToList();
        Assert.Equal(["alpha", "beta"], migrated.Select(t => t.Identifier).Order(StringComparer.Ordinal));
        Assert.All(migrated, t => Assert.Equal([addNote.Id], t.Applied));
        Assert.Equal(1L, await services.ScalarAsync<long>(
            "SELECT count(*) FROM tenancy.tenant_migrations m JOIN tenancy.tenants t ON t.id = m.tenant_id WHERE t.identifier = 'alpha' AND m.migration_id = $1", addNote.Id));
        // Each schema got its own column once; beta's own change stayed in beta.
        Assert.Equal(2L, await services.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema IN ('t_alpha', 't_beta') AND table_name = 'products' AND column_name = 'note'"));
        Assert.False(await services.ScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 't_alpha' AND column_name = 'marker')"));
    }

    private static StartupMigrator MigratorWith(IServiceProvider services, TenantMigrationScript extra) => new(
        new TenantMigrationRunner(
            services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<TenantMigrationCatalog>().With(extra),
            services.GetRequiredService<IDbContextFactory<RegistryDbContext>>(),
            services.GetRequiredService<TenantRegistry>(),
            services.GetRequiredService<RegistryConnection>(),
            services.GetRequiredService<TenantStoreConnections>()),
        services.GetRequiredService<TenantRegistry>(),
        services.GetRequiredService<RegistryConnection>(),
        TimeProvider.System,
        NullLogger<StartupMigrator>.Instance);

    private static async Task<NpgsqlConnection> HoldLockAsync(string connectionString)
    {
        // Unpooled, so closing it ends the session and releases the lock.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = StartupMigrator.AdvisoryLockKey } } };
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Sessions of this database blocked on the migration lock, as PostgreSQL sees them.</summary>
    private static Task<long> WaitingForLockAsync(IServiceProvider services) => services.ScalarAsync<long>(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
}
