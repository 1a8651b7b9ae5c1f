using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Tenancy.Accounts;
using Tenancy.Caching;
using Tenancy.Sales;

namespace Tenancy.IntegrationTests;

/// <summary>The health a service reports through Aspire's client integrations, wired as the Api wires them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceHealthTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Without_redis_a_service_starts_is_degraded_not_unhealthy_and_cache_commands_fail_at_once()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = fixture.ConnectionString,
            ["ConnectionStrings:cache"] = $"127.0.0.1:{UnusedPort()}",
        });
        builder.AddBasicServiceDefaults();
        builder.AddTenancy<SalesDbContext>("tenancydb").WithRedis("cache").WithAccountStore();
        using var host = builder.Build();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal(HealthStatus.Degraded, report.Entries["redis"].Status);
        // PostgreSQL's checks: the data source's and one per context of Tenancy's own, none of which needs a tenant.
        Assert.All(["self", "postgres", "RegistryDbContext", "AccountsDbContext"], name => Assert.Equal(HealthStatus.Healthy, report.Entries[name].Status));
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var command = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RedisConnectionException>(() => redis.GetDatabase().StringGetAsync("any"));
        Assert.True(command.Elapsed < TimeSpan.FromSeconds(1), $"a command without Redis took {command.Elapsed.TotalMilliseconds:0} ms to fail");
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
