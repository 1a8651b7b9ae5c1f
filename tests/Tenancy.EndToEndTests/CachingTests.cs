using System.Diagnostics;
using System.Net;
using Tenancy.Hosting;
using Tenancy.Hosting.Testing;

namespace Tenancy.EndToEndTests;

/// <summary>The cache across two Api instances, and the Api without Redis: a system of its own, since Redis is stopped.</summary>
public sealed class CachingTests : IAsyncLifetime
{
    private DistributedApplication _app = null!;
    private TenancyClient _first = null!;
    private TenancyClient _second = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        // A second replica of the Api, as a test can add resources to the AppHost's graph before building it.
        builder.AddProject<Projects.Api>("api-replica")
            .WithHttpEndpoint()
            .WithHttpHealthCheck("/health")
            .WithReference(builder.CreateResourceBuilder<PostgresDatabaseResource>("tenancydb"))
            .WithReference(builder.CreateResourceBuilder<RedisResource>("cache"))
            .WaitFor(builder.CreateResourceBuilder<ProjectResource>("api"));
        _app = await builder.BuildAsync();
        await _app.StartAsync();
        _first = new TenancyClient(_app.CreateHttpClient("api"));
        _second = new TenancyClient(_app.CreateHttpClient("api-replica"));
    }

    public async Task DisposeAsync()
    {
        _first.Http.Dispose();
        _second.Http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_write_on_one_api_instance_is_read_on_the_other_within_100_ms()
    {
        var tenant = await _first.CreateTenantAsync();
        var product = await _first.CreateProductAsync(tenant, "P-1", "old name");
        Assert.Equal("old name", await NameOnAsync(_second, tenant, product));
        Assert.Equal("old name", await NameOnAsync(_second, tenant, product));

        var update = await _first.AsTenant(tenant, HttpMethod.Put, $"/api/products/{product}", new { sku = "P-1", name = "new name", price = 10 });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        var since = Stopwatch.StartNew();
        while (await NameOnAsync(_second, tenant, product) != "new name")
        {
            Assert.True(since.ElapsedMilliseconds < 100, "the other instance still serves the old name after 100 ms");
        }
    }

    [Fact]
    public async Task With_redis_stopped_requests_keep_being_served_and_health_is_degraded_until_it_returns()
    {
        var tenant = await _first.CreateTenantAsync();
        await _first.CreateProductAsync(tenant, "R-1", "survives");
        Assert.Equal("Healthy", await _first.Http.GetStringAsync("/health"));

        await _app.StopResourceAsync("cache");
        var statuses = new Dictionary<HttpStatusCode, int>();
        var burst = Stopwatch.StartNew();
        while (burst.Elapsed < TimeSpan.FromSeconds(10))
        {
            var client = statuses.Values.Sum() % 2 == 0 ? _first : _second;
            using var response = await client.AsTenant(tenant, HttpMethod.Get, "/api/products");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        var healthWithoutRedis = await _first.Http.GetStringAsync("/health");
        await _app.StartResourceAsync("cache");

        Assert.Equal([HttpStatusCode.OK], statuses.Keys);
        Assert.True(statuses[HttpStatusCode.OK] > 100, $"only {statuses[HttpStatusCode.OK]} requests in 10 s");
        Assert.Equal("Degraded", healthWithoutRedis);
        var healthy = Stopwatch.StartNew();
        while (await _first.Http.GetStringAsync("/health") != "Healthy")
        {
            Assert.True(healthy.Elapsed < TimeSpan.FromSeconds(20), "the Api did not reconnect to Redis within 20 s");
            await Task.Delay(200);
        }
    }

    private static async Task<string?> NameOnAsync(TenancyClient client, string tenant, Guid product)
    {
        var response = await client.AsTenant(tenant, HttpMethod.Get, $"/api/products/{product}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await TenancyClient.ReadAsync(response)).GetProperty("name").GetString();
    }
}
