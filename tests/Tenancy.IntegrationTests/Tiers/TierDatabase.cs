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

    public static async Task<TierDatabase> CreateAsync(PostgresFixture fixture, IDictionary<string, string?>? settings = null)
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
        builder.AddTenancy<SalesDbContext>("tenancydb");
        var services = builder.Build().Services;
        await services.GetRequiredService<TenantMigrationRunner>().MigrateSharedAsync();
        return new TierDatabase(services, owner, application, role);
    }

    public async Task<TenantInfo> ProvisionAsync(TenantIsolation isolation, string prefix = "t", string? reference = null)
    {
        var tenant = await Services.GetRequiredService<TenantProvisioner>()
            .ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier(prefix), "Tier test", Isolation: isolation, ConnectionReference: reference));
        return (await Services.GetRequiredService<TenantLookup>().FindByIdentifierAsync(tenant.Identifier))!;
    }

    public async Task AddProductAsync(TenantInfo tenant, string sku, string name)
    {
        await using var scope = Services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        db.Products.Add(new Product { Sku = sku, Name = name, Price = 1 });
        await db.SaveChangesAsync();
    }

    public async Task<List<string>> SkusAsync(TenantInfo tenant)
    {
        await using var scope = Services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        return await db.Products.OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync();
    }

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
