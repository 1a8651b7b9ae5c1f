using Microsoft.EntityFrameworkCore;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Tiers;

/// <summary>
/// Tenant DbContexts come from a pool: one instance serves scope after scope, of tenants on every tier in turn, and
/// must carry nothing of the last one (its tenant, its connection, its tracked rows, its transaction behaviour).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PooledContextTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_context_taken_again_by_another_tiers_tenant_reads_and_writes_that_tenants_rows_only()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        TenantInfo[] tenants = [await tiers.ProvisionAsync(TenantIsolation.Database, "d"), await tiers.ProvisionAsync(TenantIsolation.Shared, "s"), await tiers.ProvisionAsync(TenantIsolation.Schema, "c")];
        var instances = new HashSet<SalesDbContext>(ReferenceEqualityComparer.Instance);

        // One scope at a time: each takes the instance the last one gave back.
        for (var round = 0; round < 3; round++)
        {
            foreach (var tenant in tenants)
            {
                await tiers.InTenantAsync(tenant, async db =>
                {
                    instances.Add(db);
                    Assert.Equal(tenant.Id, db.Tenant?.Id);
                    Assert.Empty(db.ChangeTracker.Entries());
                    db.Products.Add(new Product { Sku = $"{tenant.Identifier}-{round}", Name = "pooled", Price = 1 });
                    return await db.SaveChangesAsync();
                });
            }
        }

        foreach (var tenant in tenants)
        {
            var skus = await tiers.InTenantAsync(tenant, db => db.Products.OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync());
            Assert.Equal([$"{tenant.Identifier}-0", $"{tenant.Identifier}-1", $"{tenant.Identifier}-2"], skus);
        }

        Assert.True(instances.Count < 9, $"the pool handed out {instances.Count} instances for 9 scopes one after another: it did not reuse them");
    }
}
