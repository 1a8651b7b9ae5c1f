using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Tiers;

/// <summary><c>tenants test-connections</c>: every tier's store probed as the application reaches it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantStoreProbeTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Reports_reachability_latency_and_pending_migrations_per_tenant_on_every_tier()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var (shared, schema, database) = (await tiers.ProvisionAsync(TenantIsolation.Shared), await tiers.ProvisionAsync(TenantIsolation.Schema), await tiers.ProvisionAsync(TenantIsolation.Database));
        var (gone, closed) = (await tiers.ProvisionAsync(TenantIsolation.Database, "gone"), await tiers.ProvisionAsync(TenantIsolation.Schema, "closed"));
        NpgsqlConnection.ClearAllPools();
        await tiers.Services.ExecuteAsync($"DROP DATABASE {gone.DatabaseName} WITH (FORCE)");
        await tiers.Services.ExecuteAsync($"REVOKE USAGE ON SCHEMA {closed.SchemaName} FROM {tiers.Role}");
        await tiers.Services.ExecuteAsync($"DELETE FROM tenancy.tenant_migrations WHERE tenant_id = '{schema.Id}' AND migration_id = (SELECT max(migration_id) FROM tenancy.tenant_migrations)");

        var checks = (await tiers.Services.GetRequiredService<TenantStoreProbe>().CheckAllAsync()).ToDictionary(c => c.Identifier);

        Assert.All(new[] { shared, schema, database }, t => Assert.True(checks[t.Identifier].Reachable, checks[t.Identifier].Error));
        Assert.All(checks.Values, c => Assert.InRange(c.Latency, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(10)));
        Assert.False(checks[gone.Identifier].Reachable);
        Assert.Contains("does not exist", checks[gone.Identifier].Error, StringComparison.Ordinal);
        Assert.False(checks[closed.Identifier].Reachable);
        Assert.Single(checks[schema.Identifier].Pending);
        Assert.Empty(checks[database.Identifier].Pending);
        Assert.Equal("shared", checks[shared.Identifier].Store);
        Assert.Equal($"{database.DatabaseName}/{database.SchemaName}", checks[database.Identifier].Store);
    }
}
