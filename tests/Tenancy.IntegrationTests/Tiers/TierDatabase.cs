using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tenancy.Context;
using Tenancy.Migrations;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Tiers;

/// <summary>
/// A database of its own on the fixture's server with an application login role (not the owner, no BYPASSRLS), and
/// the tenancy core wired as the Api wires it: owner for DDL, application role for tenant data.
/// </summary>
internal sealed class TierDatabase
{
    private TierDatabase(IServiceProvider services, string ownerConnectionString, string applicationConnectionString, string role)
    {
        Services = services;
        OwnerConnectionString = ownerConnectionString;
        ApplicationConnectionString = applicationConnectionString;
        Role = role;
    }

    public IServiceProvider Services { get; }

    public string OwnerConnectionString { get; }

    public string ApplicationConnectionString { get; }

    public string Role { get; }

    public static async Task<TierDatabase> CreateAsync(PostgresFixture fixture, IDictionary<string, string?>? settings = null, Action<TenancyBuilder>? configure = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (database, role, password) = ("tiers_" + suffix, "app_" + suffix, Guid.NewGuid().ToString("N"));
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                $"CREATE DATABASE {database}; CREATE ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE", connection);
            await create.ExecuteNonQueryAsync();
        }

        var owner = new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { Database = database }.ConnectionString;
        var application = new NpgsqlConnectionStringBuilder(owner) { Username = role, Password = password }.ConnectionString;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ConnectionStrings:tenancydb"] = owner,
            ["ConnectionStrings:tenancydb-app"] = application,
        });
        var tenancy = builder.AddTenancy<SalesDbContext>("tenancydb").WithSalesPlans();
        configure?.Invoke(tenancy);
        var services = builder.Build().Services;
        await services.GetRequiredService<TenantMigrationRunner>().MigrateSharedAsync();
        return new TierDatabase(services, owner, application, role);
    }

    public async Task<TenantInfo> ProvisionAsync(TenantIsolation isolation, string prefix = "t", string? reference = null)
    {
        var tenant = await Services.GetRequiredService<TenantProvisioner>()
            .ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier(prefix), "Tier test", Isolation: isolation, ConnectionReference: reference));
        return await FindAsync(tenant.Identifier);
    }

    /// <summary>The tenant as the registry has it now (its placement after a move, a restored or cloned tenant).</summary>
    public async Task<TenantInfo> FindAsync(string identifier) =>
        (await Services.GetRequiredService<TenantLookup>().FindByIdentifierAsync(identifier))!;

    /// <summary>Runs <paramref name="work"/> on the tenant's own <see cref="SalesDbContext"/>, as its requests would.</summary>
    public async Task<T> InTenantAsync<T>(TenantInfo tenant, Func<SalesDbContext, Task<T>> work)
    {
        await using var scope = Services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        return await work(scope.Services.GetRequiredService<SalesDbContext>());
    }

    /// <summary>A customer, a location, <paramref name="products"/> products and one order with a line for each product but the last.</summary>
    public Task SeedSalesAsync(TenantInfo tenant, int products) => InTenantAsync(tenant, async db =>
    {
        var customer = new Customer { Name = "Ada", Email = "ada@example.com" };
        var location = new Location { Name = "Main street", Code = "MAIN", Address = "1 Main st" };
        var items = Enumerable.Range(1, products).Select(i => new Product { Sku = $"S-{i}", Name = $"Prodüct {i} ünïcode", Price = i * 1.25m }).ToList();
        db.AddRange(customer, location);
        db.AddRange(items);
        await db.SaveChangesAsync();
        var lines = items.SkipLast(1).Select(p => new OrderLine { ProductId = p.Id, Quantity = 1, UnitPrice = p.Price, LineTotal = p.Price }).ToList();
        db.Orders.Add(new Order
        {
            CustomerId = customer.Id,
            LocationId = location.Id,
            Total = lines.Sum(l => l.LineTotal),
            CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
            Lines = lines,
        });
        return await db.SaveChangesAsync();
    });

    public Task AddProductAsync(TenantInfo tenant, string sku, string name) => InTenantAsync(tenant, db =>
    {
        db.Products.Add(new Product { Sku = sku, Name = name, Price = 1 });
        return db.SaveChangesAsync();
    });

    public Task<List<string>> SkusAsync(TenantInfo tenant) =>
        InTenantAsync(tenant, db => db.Products.OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync());

    /// <summary>Raw SQL as the application role, on its own connection to <paramref name="database"/> (this database when null).</summary>
    public async Task<T?> AsApplicationAsync<T>(string sql, string? database = null)
    {
        var connectionString = database is null ? ApplicationConnectionString : new NpgsqlConnectionStringBuilder(ApplicationConnectionString) { Database = database }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}
