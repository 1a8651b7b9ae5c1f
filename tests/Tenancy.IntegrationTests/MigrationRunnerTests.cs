using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests;

[Collection(PostgresCollection.Name)]
public sealed class MigrationRunnerTests(PostgresFixture fixture)
{
    private static readonly TenantMigrationScript AddNote = new(
        "29990101000000_AddProductNote",
        $"ALTER TABLE \"{TenantSchema.Placeholder}\".products ADD COLUMN note text;");

    [Fact]
    public async Task Migrating_100_tenants_with_one_broken_migrates_the_others_reports_it_and_a_rerun_does_only_it()
    {
        var services = await fixture.CreateIsolatedDatabaseAsync();
        var provisioner = services.GetRequiredService<TenantProvisioner>();
        var identifiers = Enumerable.Range(0, 100).Select(i => $"m{i:D3}").ToList();
        foreach (var identifier in identifiers)
        {
            await provisioner.ProvisionAsync(new NewTenant(identifier, identifier));
        }

        // Break one tenant: the new migration's column is already there.
        await services.ExecuteAsync("ALTER TABLE t_m042.products ADD COLUMN note text");
        var runner = RunnerWith(services, AddNote);
        var reported = new ConcurrentBag<TenantMigrationResult>();

        var results = await runner.MigrateTenantsAsync(parallelism: 8, progress: new SynchronousProgress(reported.Add));

        Assert.Equal(100, reported.Count);
        var failed = Assert.Single(results, r => r.Outcome == TenantMigrationOutcome.Failed);
        Assert.Equal("m042", failed.Identifier);
        Assert.Contains("note", failed.Error, StringComparison.Ordinal);
        Assert.Equal(99, results.Count(r => r.Outcome == TenantMigrationOutcome.Migrated && r.Applied.SequenceEqual([AddNote.Id])));
        Assert.Equal(["m042"], (await runner.CheckAsync()).Where(s => s.Pending.Count > 0).Select(s => s.Identifier));

        await services.ExecuteAsync("ALTER TABLE t_m042.products DROP COLUMN note");
        var rerun = await runner.MigrateTenantsAsync(parallelism: 8);

        Assert.Equal("m042", Assert.Single(rerun, r => r.Outcome == TenantMigrationOutcome.Migrated).Identifier);
        Assert.Equal(99, rerun.Count(r => r.Outcome == TenantMigrationOutcome.UpToDate));
        Assert.All(await runner.CheckAsync(), s => Assert.Empty(s.Pending));
        Assert.Equal(100L, await services.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema LIKE 't_m%' AND table_name = 'products' AND column_name = 'note'"));
    }

    [Fact]
    public async Task A_tenant_migration_is_atomic()
    {
        var services = await fixture.CreateIsolatedDatabaseAsync();
        await services.GetRequiredService<TenantProvisioner>().ProvisionAsync(new NewTenant("atomic", "Atomic"));
        var halfBroken = new TenantMigrationScript(
            "29990101000001_HalfBroken",
            $"ALTER TABLE \"{TenantSchema.Placeholder}\".products ADD COLUMN first_step text; ALTER TABLE \"{TenantSchema.Placeholder}\".customers ADD COLUMN second_step no_such_type;");

        var result = Assert.Single(await RunnerWith(services, halfBroken).MigrateTenantsAsync());

        Assert.Equal(TenantMigrationOutcome.Failed, result.Outcome);
        Assert.False(await services.ScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 't_atomic' AND column_name = 'first_step')"));
    }

    [Fact]
    public async Task Check_lists_pending_migrations_per_tenant_without_applying_them()
    {
        var services = await fixture.CreateIsolatedDatabaseAsync();
        var provisioner = services.GetRequiredService<TenantProvisioner>();
        await provisioner.ProvisionAsync(new NewTenant("alpha", "Alpha"));
        await provisioner.ProvisionAsync(new NewTenant("beta", "Beta"));
        var runner = RunnerWith(services, AddNote);

        var before = await runner.CheckAsync();
        await runner.MigrateTenantsAsync(["alpha"]);
        var after = await runner.CheckAsync();

        Assert.All(before, s => Assert.Equal([AddNote.Id], s.Pending));
        Assert.Equal(["beta"], after.Where(s => s.Pending.Count > 0).Select(s => s.Identifier));
        await Assert.ThrowsAsync<Tenants.TenantNotFoundException>(() => runner.CheckAsync(["nobody"]));
    }

    [Fact]
    public async Task Shared_migrations_are_applied_once()
    {
        var services = await fixture.CreateIsolatedDatabaseAsync();
        var runner = services.GetRequiredService<TenantMigrationRunner>();

        Assert.Empty(await runner.MigrateSharedAsync());
        Assert.Empty(await runner.GetPendingSharedAsync());
    }

    private static TenantMigrationRunner RunnerWith(IServiceProvider services, TenantMigrationScript extra) => new(
        services.GetRequiredService<NpgsqlDataSource>(),
        services.GetRequiredService<TenantMigrationCatalog>().With(extra),
        services.GetRequiredService<IDbContextFactory<RegistryDbContext>>(),
        services.GetRequiredService<TenantRegistry>(),
        services.GetRequiredService<RegistryConnection>(),
        services.GetRequiredService<Placement.TenantStoreConnections>());

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test wants every report counted by the time the run returns.</summary>
    private sealed class SynchronousProgress(Action<TenantMigrationResult> report) : IProgress<TenantMigrationResult>
    {
        public void Report(TenantMigrationResult value) => report(value);
    }
}
