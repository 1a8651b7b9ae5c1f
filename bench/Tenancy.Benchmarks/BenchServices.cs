using Hangfire;
using Microsoft.Extensions.Hosting;
using Tenancy.Caching;
using Tenancy.Jobs;
using Tenancy.Resolution;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.Benchmarks;

/// <summary>
/// A service instance in this process, wired as the Api and Worker wire themselves (tenancy, tenant cache, and
/// optionally Hangfire with the tenancy filters and a job server), over the run's PostgreSQL and Redis; as
/// tests/Tenancy.IntegrationTests/Caching/CacheInstance.cs and Jobs/JobsHost.cs do.
/// </summary>
internal sealed class BenchServices : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchServices(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public TenantCache Cache => Services.GetRequiredService<TenantCache>();

    public static async Task<BenchServices> StartAsync(
        BenchSystem system, string cacheConnectionString, IDictionary<string, string?>? jobSettings, Action<IServiceCollection>? services, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = system.ConnectionString,
            ["ConnectionStrings:cache"] = cacheConnectionString,
        });
        if (jobSettings is not null)
        {
            builder.Configuration.AddInMemoryCollection(jobSettings);
        }

        builder.Logging.ClearProviders();
        var tenancy = builder.AddTenancy<SalesDbContext>("tenancydb").WithCaching("cache");
        if (jobSettings is not null)
        {
            tenancy.WithJobServer();
        }

        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new BenchServices(host);
    }

    public async Task<TenantInfo> TenantAsync(string identifier, CancellationToken cancellationToken) =>
        await Services.GetRequiredService<TenantLookup>().FindByIdentifierAsync(identifier, cancellationToken)
        ?? throw new InvalidOperationException($"no tenant '{identifier}'");

    public IBackgroundJobClient Jobs => Services.GetRequiredService<IBackgroundJobClient>();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
