using System.Diagnostics;
using System.Net;

namespace Tenancy.EndToEndTests;

/// <summary>The cache across two Api instances, and the Api without Redis: a system of its own, since Redis is stopped.</summary>
public sealed class CachingTests : IAsyncLifetime
{
    private TwoApiInstances _system = null!;

    public async Task InitializeAsync() => _system = await TwoApiInstances.StartAsync();

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task A_write_on_one_api_instance_is_read_on_the_other_within_100_ms()
    {
        var tenant = await _system.First.CreateTenantAsync();
        var product = await _system.First.CreateProductAsync(tenant, "P-1", "old name");
        Assert.Equal("old name", await NameOnAsync(_system.Second, tenant, product));
        Assert.Equal("old name", await NameOnAsync(_system.Second, tenant, product));

        var update = await _system.First.AsTenant(tenant, HttpMethod.Put, $"/api/products/{product}", new { sku = "P-1", name = "new name", price = 10 });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        var since = Stopwatch.StartNew();
        while (await NameOnAsync(_system.Second, tenant, product) != "new name")
        {
            Assert.True(since.ElapsedMilliseconds < 100, "the other instance still serves the old name after 100 ms");
        }
    }

    [Fact]
    public async Task With_redis_stopped_requests_keep_being_served_and_health_is_degraded_until_it_returns()
    {
        var tenant = await _system.First.CreateTenantAsync();
        await _system.First.CreateProductAsync(tenant, "R-1", "survives");
        Assert.Equal("Healthy", await _system.First.Http.GetStringAsync("/health"));

        await _system.App.StopResourceAsync("cache");
        var statuses = new Dictionary<HttpStatusCode, int>();
        var burst = Stopwatch.StartNew();
        while (burst.Elapsed < TimeSpan.FromSeconds(10))
        {
            var client = statuses.Values.Sum() % 2 == 0 ? _system.First : _system.Second;
            using var response = await client.AsTenant(tenant, HttpMethod.Get, "/api/products");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        var healthWithoutRedis = await _system.First.Http.GetStringAsync("/health");
        await _system.App.StartResourceAsync("cache");

        Assert.Equal([HttpStatusCode.OK], statuses.Keys);
        Assert.True(statuses[HttpStatusCode.OK] > 100, $"only {statuses[HttpStatusCode.OK]} requests in 10 s");
        Assert.Equal("Degraded", healthWithoutRedis);
        var healthy = Stopwatch.StartNew();
        while (await _system.First.Http.GetStringAsync("/health") != "Healthy")
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
