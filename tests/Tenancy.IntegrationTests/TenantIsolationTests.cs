using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Context;
using Tenancy.Isolation;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests;

/// <summary>The data-layer wall between tenants: schemas, query filters, tenant stamping and scopes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantIsolationTests(PostgresFixture fixture)
{
    private readonly IServiceProvider _services = fixture.Services;

    private TenantScopeFactory Tenants => _services.GetRequiredService<TenantScopeFactory>();

    [Fact]
    public async Task A_scope_reads_and_writes_only_its_tenants_schema_with_its_tenant_id()
    {
        var (a, b) = (await CreateTenantAsync(), await CreateTenantAsync());

        await AddProductAsync(a, "SAME-SKU", "made for a");
        await AddProductAsync(b, "SAME-SKU", "made for b");

        Assert.Equal(["made for a"], await ProductNamesAsync(a));
        Assert.Equal(["made for b"], await ProductNamesAsync(b));
        Assert.Equal(a.Id, await _services.ScalarAsync<Guid>($"SELECT tenant_id FROM {a.SchemaName}.products"));
        Assert.Equal(1L, await _services.ScalarAsync<long>($"SELECT count(*) FROM {b.SchemaName}.products"));
    }

    [Fact]
    public async Task A_row_of_another_tenant_planted_in_a_schema_stays_invisible()
    {
        var (a, b) = (await CreateTenantAsync(), await CreateTenantAsync());
        await _services.ExecuteAsync(
            $"INSERT INTO {a.SchemaName}.products (id, tenant_id, sku, name, price) VALUES (gen_random_uuid(), '{b.Id}', 'PLANTED', 'belongs to b', 1)");

        Assert.Empty(await ProductNamesAsync(a));
    }

    [Fact]
    public async Task Saving_a_row_of_another_tenant_throws()
    {
        var (a, b) = (await CreateTenantAsync(), await CreateTenantAsync());

        await using var scope = Tenants.BeginScope(a);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        db.Products.Add(new Product { Sku = "X", Name = "forged", TenantId = b.Id });

        await Assert.ThrowsAsync<TenantMismatchException>(() => db.SaveChangesAsync());
        Assert.Equal(0L, await _services.ScalarAsync<long>($"SELECT count(*) FROM {a.SchemaName}.products"));
    }

    [Fact]
    public async Task Without_a_tenant_tenant_data_cannot_be_reached()
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SalesDbContext>();

        await Assert.ThrowsAsync<TenantContextMissingException>(() => db.Products.ToListAsync());
    }

    [Fact]
    public async Task Nested_scopes_restore_the_outer_tenant()
    {
        var (a, b) = (await CreateTenantAsync(), await CreateTenantAsync());
        var accessor = _services.GetRequiredService<ITenantContextAccessor>();

        await using (var outer = Tenants.BeginScope(a))
        {
            await using (var inner = Tenants.BeginScope(b))
            {
                Assert.Equal(b.Id, accessor.Current?.Id);
                Assert.Equal(b.Id, inner.Services.GetRequiredService<SalesDbContext>().Tenant?.Id);
            }

            Assert.Equal(a.Id, accessor.Current?.Id);
            Assert.Equal(a.Id, outer.Services.GetRequiredService<SalesDbContext>().Tenant?.Id);
        }

        Assert.Null(accessor.Current);
    }

    [Fact]
    public async Task Concurrent_flows_never_see_each_others_tenant()
    {
        var tenants = new List<TenantInfo>();
        for (var i = 0; i < 8; i++)
        {
            var tenant = await CreateTenantAsync();
            await AddProductAsync(tenant, "SKU", tenant.Identifier);
            tenants.Add(tenant);
        }

        var accessor = _services.GetRequiredService<ITenantContextAccessor>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var tenant = tenants[i % tenants.Count];
            await using var scope = Tenants.BeginScope(tenant);
            await Task.Yield();
            var names = await scope.Services.GetRequiredService<SalesDbContext>().Products.Select(p => p.Name).ToListAsync();
            Assert.Equal([tenant.Identifier], names);
            Assert.Equal(tenant.Id, accessor.Current?.Id);
        });
    }

    [Fact]
    public async Task RunAsync_refuses_unknown_and_deleted_tenants()
    {
        var tenant = await CreateTenantAsync();
        using (var scope = _services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Registry.TenantRegistry>().DeleteAsync(tenant.Identifier);
        }

        await Assert.ThrowsAsync<TenantNotFoundException>(() => Tenants.RunAsync("no-such-tenant", _ => Task.CompletedTask));
        await Assert.ThrowsAsync<TenantNotFoundException>(() => Tenants.RunAsync(tenant.Identifier, _ => Task.CompletedTask));
    }

    private async Task<TenantInfo> CreateTenantAsync()
    {
        var tenant = await _services.GetRequiredService<TenantProvisioner>().ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier(), "Look-alike"));
        return (await _services.GetRequiredService<TenantLookup>().FindByIdentifierAsync(tenant.Identifier))!;
    }

    private async Task AddProductAsync(TenantInfo tenant, string sku, string name)
    {
        await using var scope = Tenants.BeginScope(tenant);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        db.Products.Add(new Product { Sku = sku, Name = name, Price = 1 });
        await db.SaveChangesAsync();
    }

    private async Task<List<string>> ProductNamesAsync(TenantInfo tenant)
    {
        await using var scope = Tenants.BeginScope(tenant);
        return await scope.Services.GetRequiredService<SalesDbContext>().Products.Select(p => p.Name).ToListAsync();
    }
}
