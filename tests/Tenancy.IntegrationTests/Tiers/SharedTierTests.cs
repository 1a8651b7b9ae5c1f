using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Context;
using Tenancy.Deletion;
using Tenancy.Registry;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Tiers;

/// <summary>The shared tier: one schema for every shared tenant, walled by query filters and by row-level security.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedTierTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Shared_and_schema_tenants_each_see_only_their_own_rows()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var (a, b, c) = (await tiers.ProvisionAsync(TenantIsolation.Shared), await tiers.ProvisionAsync(TenantIsolation.Shared), await tiers.ProvisionAsync(TenantIsolation.Schema));
        await tiers.AddProductAsync(a, "A-1", "a's");
        await tiers.AddProductAsync(b, "B-1", "b's");
        await tiers.AddProductAsync(b, "B-2", "b's");
        await tiers.AddProductAsync(c, "C-1", "c's");

        Assert.Equal(["A-1"], await tiers.SkusAsync(a));
        Assert.Equal(["B-1", "B-2"], await tiers.SkusAsync(b));
        Assert.Equal(["C-1"], await tiers.SkusAsync(c));
        // Both shared tenants' rows really are in the one shared table, told apart by tenant_id.
        Assert.Equal(3L, await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM shared.products"));
        Assert.Null(a.SchemaName);
        Assert.Equal(TenantIsolation.Shared, a.Isolation);
    }

    [Fact]
    public async Task Raw_sql_on_the_applications_connection_reads_nothing_of_another_tenant()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var (a, b) = (await tiers.ProvisionAsync(TenantIsolation.Shared), await tiers.ProvisionAsync(TenantIsolation.Shared));
        await tiers.AddProductAsync(a, "A-1", "a's");
        await tiers.AddProductAsync(b, "B-1", "b's");

        // No tenant named: nothing at all, even without any WHERE clause.
        Assert.Equal(0L, await tiers.AsApplicationAsync<long>("SELECT count(*) FROM shared.products"));
        // Tenant a named for the transaction: a's row only, however the query is written.
        Assert.Equal(1L, await tiers.AsApplicationAsync<long>($"{Isolation.TenantRowSecurity.Prefix(a.Id)} SELECT count(*) FROM shared.products WHERE tenant_id = '{b.Id}' OR true"));
        Assert.Equal("A-1", await tiers.AsApplicationAsync<string>($"{Isolation.TenantRowSecurity.Prefix(a.Id)} SELECT string_agg(sku, ',') FROM shared.products"));
        // The setting ends with its transaction: the next command on the same pooled connection sees nothing.
        Assert.Equal(0L, await tiers.AsApplicationAsync<long>("SELECT count(*) FROM shared.products"));
    }

    [Fact]
    public async Task The_application_role_cannot_write_another_tenants_rows_or_leave_the_wall()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var (a, b) = (await tiers.ProvisionAsync(TenantIsolation.Shared), await tiers.ProvisionAsync(TenantIsolation.Shared));
        await tiers.AddProductAsync(b, "B-1", "b's");
        var asA = Isolation.TenantRowSecurity.Prefix(a.Id);

        var insertForB = await Assert.ThrowsAsync<PostgresException>(() => tiers.AsApplicationAsync<object>(
            $"{asA} INSERT INTO shared.products (id, tenant_id, sku, name, price) VALUES (gen_random_uuid(), '{b.Id}', 'FORGED', 'x', 1)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insertForB.SqlState);
        Assert.Equal(0L, await tiers.AsApplicationAsync<long>($"{asA} WITH changed AS (UPDATE shared.products SET name = 'stolen' RETURNING 1) SELECT count(*) FROM changed"));
        Assert.Equal(0L, await tiers.AsApplicationAsync<long>($"{asA} WITH gone AS (DELETE FROM shared.products RETURNING 1) SELECT count(*) FROM gone"));
        Assert.Equal(["B-1"], await tiers.SkusAsync(b));

        // The role cannot switch the wall off or read around it.
        var disable = await Assert.ThrowsAsync<PostgresException>(() => tiers.AsApplicationAsync<object>("ALTER TABLE shared.products DISABLE ROW LEVEL SECURITY"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, disable.SqlState);
        var registry = await Assert.ThrowsAsync<PostgresException>(() => tiers.AsApplicationAsync<long>("SELECT count(*) FROM tenancy.tenants"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, registry.SqlState);
        Assert.False(await tiers.AsApplicationAsync<bool>("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"));
        Assert.False(await tiers.AsApplicationAsync<bool>("SELECT bool_or(tableowner = current_user) FROM pg_tables WHERE schemaname = 'shared'"));
        Assert.True(await tiers.Services.ScalarAsync<bool>(
            "SELECT bool_and(c.relrowsecurity AND c.relforcerowsecurity) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'shared' AND c.relkind = 'r'"));
    }

    [Fact]
    public async Task Ef_writes_of_a_shared_tenant_in_one_transaction_carry_the_tenant_to_every_command()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var a = await tiers.ProvisionAsync(TenantIsolation.Shared);
        await using var scope = tiers.Services.GetRequiredService<TenantScopeFactory>().BeginScope(a);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        var customer = new Customer { Name = "C" };
        var location = new Location { Name = "L", Code = "L1" };
        var product = new Product { Sku = "P", Name = "P", Price = 2 };
        db.AddRange(customer, location, product);
        await db.SaveChangesAsync();
        db.Orders.Add(new Order { CustomerId = customer.Id, LocationId = location.Id, Total = 4, CreatedAt = DateTimeOffset.UtcNow, Lines = [new OrderLine { ProductId = product.Id, Quantity = 2, UnitPrice = 2, LineTotal = 4 }] });
        await db.SaveChangesAsync();

        Assert.Equal(1L, await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM shared.order_line WHERE tenant_id = $1", a.Id));
    }

    [Fact]
    public async Task Deleting_a_shared_tenant_removes_its_rows_and_keeps_the_others()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var (a, b) = (await tiers.ProvisionAsync(TenantIsolation.Shared), await tiers.ProvisionAsync(TenantIsolation.Shared));
        await tiers.AddProductAsync(a, "A-1", "a's");
        await tiers.AddProductAsync(b, "B-1", "b's");

        await using (var scope = tiers.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TenantRegistry>().DeleteAsync(a.Identifier);
        }

        Assert.Contains(a.Identifier, await tiers.Services.GetRequiredService<TenantDataReaper>().DropDeletedTenantsAsync());
        Assert.Equal(0L, await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM shared.products WHERE tenant_id = $1", a.Id));
        Assert.Equal(["B-1"], await tiers.SkusAsync(b));
    }
}
