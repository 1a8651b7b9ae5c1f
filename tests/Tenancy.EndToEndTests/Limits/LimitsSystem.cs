using System.Net;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Limits;

/// <summary>
/// Two Api instances sharing Redis and PostgreSQL, flushing usage every 500 ms and measuring data sizes every second,
/// for the rate limit, quota and usage tests (each makes its own tenants). Redis gets 1 s to count a request (250 ms by
/// default): on these shared 2-core machines a loaded moment would otherwise let an instance count alone (fail open)
/// and the exact counts across instances would not hold.
/// </summary>
public sealed class LimitsSystemFixture : IAsyncLifetime
{
    public TwoApiInstances System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await TwoApiInstances.StartAsync(
        ("Tenancy__Usage__FlushInterval", "00:00:00.500"),
        ("Tenancy__Limits__DataSizeRefresh", "00:00:01"),
        ("Tenancy__Limits__RedisTimeout", "00:00:01"));

    public async Task DisposeAsync() => await System.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class LimitsCollection : ICollectionFixture<LimitsSystemFixture>
{
    public const string Name = "Limits and usage";
}

/// <summary>What the limits tests do to a tenant through the platform API.</summary>
internal static class LimitsApi
{
    public static async Task SetLimitsAsync(this TenancyClient platform, string tenant, int? requestsPerWindow, long? maxDataBytes)
    {
        var response = await platform.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}/limits", new { requestsPerWindow, maxDataBytes });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static async Task<JsonElement> UsageAsync(this TenancyClient platform, string tenant, string query = "")
    {
        var response = await platform.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/usage{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await TenancyClient.ReadAsync(response);
    }

    /// <summary>Today's figures of the tenant (zeros before its first flush).</summary>
    public static async Task<(long Requests, long Errors)> TodayAsync(this TenancyClient platform, string tenant)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        foreach (var day in (await platform.UsageAsync(tenant)).GetProperty("days").EnumerateArray())
        {
            if (day.GetProperty("day").GetString() == today)
            {
                return (day.GetProperty("requests").GetInt64(), day.GetProperty("errors").GetInt64());
            }
        }

        return (0, 0);
    }
}
