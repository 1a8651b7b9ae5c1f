using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tenancy.Caching;
using Tenancy.Context;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Caching;

/// <summary>One running "instance" of a service with the tenant cache, as the Api wires it, over the fixture's servers.</summary>
internal sealed class CacheInstance : IAsyncDisposable
{
    private readonly IHost _host;

    private CacheInstance(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public TenantCache Cache => Services.GetRequiredService<TenantCache>();

    /// <param name="settings">Configuration on top of the connection strings (e.g. <c>Tenancy:Cache:*</c>).</param>
    public static async Task<CacheInstance> StartAsync(PostgresFixture fixture, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = fixture.ConnectionString,
            ["ConnectionStrings:cache"] = fixture.CacheConnectionString,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddTenancy<SalesDbContext>("tenancydb").WithCaching("cache");
        var host = builder.Build();
        await host.StartAsync();
        return new CacheInstance(host);
    }

    public async Task<TenantInfo> CreateTenantAsync()
    {
        var tenant = await Services.GetRequiredService<TenantProvisioner>().ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier("c"), "Cached"));
        return (await Services.GetRequiredService<TenantLookup>().FindByIdentifierAsync(tenant.Identifier))!;
    }

    /// <summary>Reads <paramref name="key"/> as <paramref name="tenant"/>; <paramref name="source"/> is what a miss reads.</summary>
    public async Task<(string Value, bool Miss)> ReadAsync(TenantInfo tenant, string key, string source, string region = "test")
    {
        using var _ = TenantContext.Enter(tenant);
        var miss = false;
        var value = await Cache.GetOrCreateAsync(region, key, _ =>
        {
            miss = true;
            return ValueTask.FromResult(source);
        });
        return (value, miss);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
