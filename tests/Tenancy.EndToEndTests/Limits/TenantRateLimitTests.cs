using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Limits;

/// <summary>
/// A tenant over its request limit gets 429 problems with Retry-After, counted across both Api instances through
/// Redis, while another tenant is served as usual; with Redis stalled, each instance counts alone (fail open): no 5xx,
/// no waiting on Redis.
/// </summary>
[Collection(LimitsCollection.Name)]
public sealed class TenantRateLimitTests(LimitsSystemFixture fixture, ITestOutputHelper output)
{
    private const int Limit = 20;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private TwoApiInstances System => fixture.System;

    [Fact]
    public async Task A_tenant_flooding_both_instances_gets_429_past_its_limit_and_another_tenant_none()
    {
        var (flooder, flooderToken) = await LimitedTenantAsync(Limit);
        var (neighbour, neighbourToken) = await LimitedTenantAsync(limit: null);

        await FreshWindowAsync();
        var took = Stopwatch.StartNew();
        // Twice the limit, alternating instances: an instance counting alone would let all of them through.
        var flooded = new List<HttpResponseMessage>();
        var served = new List<HttpResponseMessage>();
        for (var i = 0; i < 2 * Limit; i += 4)
        {
            // Four at a time (two per instance), with the neighbour's requests among them.
            var batch = Enumerable.Range(i, 4).Select(j => Locations(j % 2 == 0 ? System.First : System.Second, flooderToken, flooder)).ToList();
            var neighbours = new[] { Locations(System.Second, neighbourToken, neighbour), Locations(System.First, neighbourToken, neighbour) };
            flooded.AddRange(await Task.WhenAll(batch));
            served.AddRange(await Task.WhenAll(neighbours));
        }

        took.Stop();
        output.WriteLine($"{flooded.Count + served.Count} requests in {took.ElapsedMilliseconds} ms");
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(5), "the requests did not fit in one window; the counts below would straddle two");

        Assert.Equal(Limit, flooded.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(Limit, flooded.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(served, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var refused = flooded.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.InRange(retryAfter, 1, (int)Window.TotalSeconds);
        var problem = await TenancyClient.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("requestsPerWindow", problem.GetProperty("limit").GetString());
        Assert.Equal(Limit, problem.GetProperty("max").GetInt32());
        Assert.Contains($"Tenant '{flooder}' may make {Limit} requests per 10 s", problem.GetProperty("detail").GetString());
        output.WriteLine($"429: {problem.GetProperty("detail").GetString()} (Retry-After: {retryAfter})");
    }

    [Fact]
    public async Task With_redis_stalled_each_instance_counts_alone_and_answers_without_errors()
    {
        var (tenant, token) = await LimitedTenantAsync(10);
        var (neighbour, neighbourToken) = await LimitedTenantAsync(limit: null);
        var answers = new List<(string Instance, HttpStatusCode Status, TimeSpan Took)>();
        using (StalledRedis.Stall(System.App))
        {
            foreach (var (name, api) in new[] { ("first", System.First), ("second", System.Second) })
            {
                for (var i = 0; i < 25; i++)
                {
                    var took = Stopwatch.StartNew();
                    var response = await Locations(api, token, tenant);
                    answers.Add((name, response.StatusCode, took.Elapsed));
                }

                Assert.Equal(HttpStatusCode.OK, (await Locations(api, neighbourToken, neighbour)).StatusCode);
            }
        }

        foreach (var instance in new[] { "first", "second" })
        {
            var own = answers.Where(a => a.Instance == instance).ToList();
            var ok = own.Count(a => a.Status == HttpStatusCode.OK);
            output.WriteLine($"{instance}: {ok} OK, {own.Count(a => a.Status == HttpStatusCode.TooManyRequests)} refused, slowest {own.Max(a => a.Took).TotalMilliseconds:F0} ms");
            // Its own window of 10 (two at most if one ended meanwhile): the other instance's count is not seen.
            Assert.InRange(ok, 10, 20);
            Assert.Contains(own, a => a.Status == HttpStatusCode.TooManyRequests);
        }

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{a.Instance}: {(int)a.Status}"));
        // Bounded by the fixture's RedisTimeout (1 s), once a second at most; Redis's own client would wait 5 s.
        Assert.All(answers, a => Assert.True(a.Took < TimeSpan.FromSeconds(2), $"{a.Instance}: {a.Took.TotalMilliseconds:F0} ms with Redis stalled"));
    }

    /// <summary>A tenant with its own request limit (null: its plan's), visible to both instances, and its owner's token.</summary>
    private async Task<(string Tenant, string Token)> LimitedTenantAsync(int? limit)
    {
        var tenant = await System.First.CreateTenantAsync();
        if (limit is not null)
        {
            await System.First.SetLimitsAsync(tenant, limit, maxDataBytes: null);
        }

        var token = await System.First.SignInAsOwnerAsync(tenant);
        // Each instance hears of the override through the registry's NOTIFY; the report says which limit it applies.
        foreach (var api in new[] { System.First, System.Second })
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var usage = await TenancyClient.ReadAsync(await api.SendWithTokenAsync(token, HttpMethod.Get, "/api/usage", host: $"{tenant}.localhost"));
                if (usage.GetProperty("limits").GetProperty("requestsPerWindow").GetInt32() == (limit ?? 1_000))
                {
                    break;
                }

                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(2), "an instance did not apply the tenant's limit within 2 s");
                await Task.Delay(20);
            }
        }

        return (tenant, token);
    }

    private static Task<HttpResponseMessage> Locations(TenancyClient api, string token, string tenant) =>
        api.SendWithTokenAsync(token, HttpMethod.Get, "/api/locations", host: $"{tenant}.localhost");

    /// <summary>Waits for the next window on the wall clock, as the instances count them.</summary>
    private static async Task FreshWindowAsync()
    {
        var windowMs = (long)Window.TotalMilliseconds;
        var intoWindow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % windowMs;
        await Task.Delay(TimeSpan.FromMilliseconds(windowMs - intoWindow + 50));
    }
}
