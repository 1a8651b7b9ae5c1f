using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Migrations;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Resolution;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests;

[Collection(PostgresCollection.Name)]
public sealed class ProvisioningTests(PostgresFixture fixture)
{
    private readonly IServiceProvider _services = fixture.Services;

    private TenantProvisioner Provisioner => _services.GetRequiredService<TenantProvisioner>();

    [Fact]
    public async Task Each_tenant_is_read_with_its_own_plan_limits_never_another_tenants()
    {
        var (trial, enterprise) = (PostgresFixture.NewIdentifier("limt"), PostgresFixture.NewIdentifier("lime"));
        await Provisioner.ProvisionAsync(new NewTenant(trial, "Trial", Plan: "trial", Domains: [$"{trial}.example.com"]));
        await Provisioner.ProvisionAsync(new NewTenant(enterprise, "Enterprise", Plan: "enterprise", Domains: [$"{enterprise}.example.com"]));
        var lookup = _services.GetRequiredService<TenantLookup>();

        // By host and by identifier, cached or not: each answer is its own tenant's row.
        for (var pass = 0; pass < 2; pass++)
        {
            Assert.Equal(1, (await lookup.FindByHostAsync($"{trial}.example.com"))!.Limits.Of(SalesPlans.Locations));
            Assert.Equal(3, (await lookup.FindByIdentifierAsync(trial))!.Limits.Of("users"));
            Assert.Equal(PlanLimits.Unlimited, (await lookup.FindByHostAsync($"{enterprise}.example.com"))!.Limits);
            Assert.Null((await lookup.FindByIdentifierAsync(enterprise))!.Limits.Of(SalesPlans.Locations));
        }
    }

    [Fact]
    public async Task Creates_registry_row_domains_schema_and_every_tenant_table_at_the_latest_migration()
    {
        var identifier = PostgresFixture.NewIdentifier();
        var host = $"{identifier}.example.com";

        var tenant = await Provisioner.ProvisionAsync(new NewTenant(identifier, "Acme", Plan: "trial", Domains: [host.ToUpperInvariant() + "."], ContactEmail: "ops@acme.example"));

        Assert.Equal(TenantStoreNames.ToSchemaName(identifier), tenant.SchemaName);
        // The plan's named limits (the sample's trial plan) are copied onto the tenant and read back as written.
        Assert.Equal((3, 1), (tenant.Limits.Of("users"), tenant.Limits.Of(SalesPlans.Locations)));
        Assert.Equal(tenant.Limits, (await _services.GetRequiredService<TenantRegistry>().ReadAsync(identifier))!.Limits);
        Assert.True(await _services.SchemaExistsAsync(tenant.SchemaName!));
        Assert.Equal(host, await _services.ScalarAsync<string>("SELECT host FROM tenancy.domains WHERE tenant_id = $1 AND is_primary", tenant.Id));
        foreach (var table in new[] { "products", "customers", "locations", "orders", "order_line" })
        {
            Assert.True(await _services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2)", tenant.SchemaName!, table), table);
        }

        var catalog = _services.GetRequiredService<TenantMigrationCatalog>();
        Assert.Equal(catalog.Migrations.Count, await _services.ScalarAsync<long>("SELECT count(*) FROM tenancy.tenant_migrations WHERE tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Invalid_input_is_rejected_with_every_field_before_any_sql()
    {
        var error = await Assert.ThrowsAsync<TenantValidationException>(() => Provisioner.ProvisionAsync(
            new NewTenant("x\"; DROP SCHEMA tenancy CASCADE; --", "", Plan: "gold", Domains: ["not a host", "acme.localhost"], ContactEmail: "nope")));

        Assert.Equal(["contactEmail", "domains", "identifier", "name", "plan"], error.Errors.Keys.Order());
        Assert.Equal(2, error.Errors["domains"].Length);
        Assert.True(await _services.SchemaExistsAsync("tenancy"));
    }

    [Fact]
    public async Task A_taken_identifier_or_host_is_a_conflict_and_leaves_nothing_behind()
    {
        var first = PostgresFixture.NewIdentifier();
        var host = $"{first}.example.com";
        await Provisioner.ProvisionAsync(new NewTenant(first, "First", Domains: [host]));
        var second = PostgresFixture.NewIdentifier();

        await Assert.ThrowsAsync<TenantConflictException>(() => Provisioner.ProvisionAsync(new NewTenant(first, "Again")));
        var hostConflict = await Assert.ThrowsAsync<TenantConflictException>(() => Provisioner.ProvisionAsync(new NewTenant(second, "Second", Domains: [host])));

        Assert.Contains(host, hostConflict.Message, StringComparison.Ordinal);
        Assert.False(await _services.TenantRowExistsAsync(second));
        Assert.False(await _services.SchemaExistsAsync(TenantStoreNames.ToSchemaName(second)));
    }

    [Fact]
    public async Task A_provisioning_killed_half_way_leaves_no_half_tenant_and_a_retry_completes_it()
    {
        var identifier = PostgresFixture.NewIdentifier();
        var schema = TenantStoreNames.ToSchemaName(identifier);
        await using var blocker = new NpgsqlConnection(fixture.ConnectionString);
        await blocker.OpenAsync();
        await using var blockade = await blocker.BeginTransactionAsync();

        // Hold the last table provisioning writes, so it stops after the registry rows and the schema are made...
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE tenancy.tenant_migrations IN ACCESS EXCLUSIVE MODE", blocker, blockade))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var provisioning = Provisioner.ProvisionAsync(new NewTenant(identifier, "Interrupted", Domains: [$"{identifier}.example.com"]));
        var backend = await WaitForBlockedBackendAsync();

        // ...then kill its session, as if the process had died there.
        await using (var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1)", blocker, blockade))
        {
            kill.Parameters.Add(new NpgsqlParameter { Value = backend });
            await kill.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => provisioning);
        await blockade.RollbackAsync();

        Assert.False(await _services.TenantRowExistsAsync(identifier));
        Assert.False(await _services.SchemaExistsAsync(schema));
        Assert.Equal(0L, await _services.ScalarAsync<long>("SELECT count(*) FROM tenancy.domains WHERE host = $1", $"{identifier}.example.com"));

        var retried = await Provisioner.ProvisionAsync(new NewTenant(identifier, "Interrupted", Domains: [$"{identifier}.example.com"]));

        Assert.Equal(identifier, retried.Identifier);
        Assert.True(await _services.SchemaExistsAsync(schema));
    }

    // Observed from a connection of its own: pg_stat_activity is a snapshot within a transaction.
    private async Task<int> WaitForBlockedBackendAsync()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var pid = await _services.ScalarAsync<int>(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO tenancy.tenant_migrations%'");
            if (pid != 0)
            {
                return pid;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("The provisioning never reached the locked table.");
    }
}
