using System.Diagnostics;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using Tenancy.Caching;
using Tenancy.Context;
using Tenancy.Sales;
using Tenancy.Tenants;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Security;

/// <summary>
/// Who may do what is decided by PostgreSQL alone, on every instance within a second, whatever Redis does: stalled
/// (SIGSTOP of the system's own redis-server), or written to by someone who can reach it. And a write whose commit
/// succeeded answers success even while Redis is stalled, with lists fresh once it answers again.
/// </summary>
[Collection(TwoApiInstancesCollection.Name)]
public sealed class AuthorizationWithoutRedisTests(TwoApiInstancesFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(1);

    private TwoApiInstances System => fixture.System;

    [Fact]
    public async Task A_member_removed_while_redis_is_stalled_is_refused_on_both_instances_within_a_second()
    {
        var tenant = await System.First.CreateTenantAsync();
        var host = $"{tenant}.localhost";
        const string password = "quiet harbour 1234 exit";
        var leaver = await System.First.AddMemberAsync(tenant, "leaver@example.com", password, "admin");
        var token = await System.First.SignInAsync(tenant, "leaver@example.com", password);
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(HttpStatusCode.OK, (await api.SendWithTokenAsync(token, HttpMethod.Get, "/api/members", host: host)).StatusCode);
        }

        await System.First.AsTenant(tenant, HttpMethod.Get, "/api/members"); // the owner's token, before the stall
        TimeSpan deleteTook;
        TimeSpan refusedAfter;
        using (StalledRedis.Stall(System.App))
        {
            var delete = Stopwatch.StartNew();
            var removed = await System.First.AsTenant(tenant, HttpMethod.Delete, $"/api/members/{leaver}");
            deleteTook = delete.Elapsed;
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
            Assert.True(deleteTook < TimeSpan.FromSeconds(1), $"DELETE took {deleteTook.TotalMilliseconds:F0} ms with Redis stalled");

            refusedAfter = await RefusedWithinAsync(System.Second, token, host, "/api/members", HttpStatusCode.Forbidden);
            await TenancyClient.AssertProblemAsync(await System.First.SendWithTokenAsync(token, HttpMethod.Get, "/api/members", host: host), HttpStatusCode.Forbidden);
            // What the removed admin did in the attack run: add another admin. Refused on both.
            foreach (var api in new[] { System.First, System.Second })
            {
                var added = await api.SendWithTokenAsync(token, HttpMethod.Post, "/api/members", new { email = $"accomplice-{Guid.NewGuid():N}@example.com", password, role = "admin" }, host: host);
                await TenancyClient.AssertProblemAsync(added, HttpStatusCode.Forbidden);
            }
        }

        output.WriteLine($"Redis stalled: DELETE answered 204 in {deleteTook.TotalMilliseconds:F0} ms; refused on the other instance after {refusedAfter.TotalMilliseconds:F0} ms");
        var members = await TenancyClient.ReadAsync(await System.Second.AsTenant(tenant, HttpMethod.Get, "/api/members"));
        Assert.DoesNotContain(members.EnumerateArray(), m => m.GetProperty("userId").GetGuid() == leaver);
    }

    [Fact]
    public async Task A_membership_forged_in_redis_grants_nothing()
    {
        var tenant = await System.First.CreateTenantAsync();
        var host = $"{tenant}.localhost";
        const string email = "reader@example.com";
        const string password = "quiet harbour 1234 read";
        var reader = await System.First.AddMemberAsync(tenant, email, password, "member");
        var tenantId = (await TenancyClient.ReadAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}"))).GetProperty("id").GetGuid();

        // Before the member's first request (nothing of theirs in any instance's memory): an "owner" entry where the
        // membership cache kept roles, written through the tenant cache itself, so key, generations and format are right.
        await using (var attacker = await RedisAttacker.ConnectAsync(System.App))
        {
            await attacker.PlantAsync(tenantId, tenant, "memberships", reader.ToString("N"), new ForgedMembership(Role: 2));
        }

        var token = await System.First.SignInAsync(tenant, email, password);
        var refusals = 0;
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(HttpStatusCode.OK, (await api.SendWithTokenAsync(token, HttpMethod.Get, "/api/members", host: host)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, await AdminProbeAsync(api, token, host));
            await TenancyClient.AssertProblemAsync(
                await api.SendWithTokenAsync(token, HttpMethod.Post, "/api/products", new { sku = "FORGED-1", name = "Forged", price = 1 }, host: host), HttpStatusCode.Forbidden);
            await TenancyClient.AssertProblemAsync(
                await api.SendWithTokenAsync(token, HttpMethod.Post, "/api/members", new { email = $"x-{Guid.NewGuid():N}@example.com", password, role = "owner" }, host: host), HttpStatusCode.Forbidden);
            refusals += 3;
        }

        output.WriteLine($"forged owner entry in Redis: role 'member' on both instances, {refusals} writes refused");
    }

    [Fact]
    public async Task A_role_lowered_in_the_database_directly_is_enforced_on_both_instances_within_a_second()
    {
        var tenant = await System.First.CreateTenantAsync();
        var host = $"{tenant}.localhost";
        const string password = "quiet harbour 1234 down";
        var demoted = await System.First.AddMemberAsync(tenant, "demoted@example.com", password, "admin");
        var token = await System.First.SignInAsync(tenant, "demoted@example.com", password);
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(HttpStatusCode.NotFound, await AdminProbeAsync(api, token, host));
        }

        // As psql would: no Api involved, only the trigger's NOTIFY tells the instances.
        await using (var dataSource = NpgsqlDataSource.Create((await System.App.GetConnectionStringAsync("tenancydb"))!))
        {
            await using var update = dataSource.CreateCommand("UPDATE accounts.memberships SET role = 'Member' WHERE user_id = $1");
            update.Parameters.Add(new NpgsqlParameter { Value = demoted });
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var since = Stopwatch.StartNew();
        foreach (var api in new[] { System.Second, System.First })
        {
            while (await AdminProbeAsync(api, token, host) != HttpStatusCode.Forbidden)
            {
                Assert.True(since.Elapsed < PropagationBound, "an instance still sees the admin role 1 s after the database lowered it");
            }
        }

        output.WriteLine($"role lowered by SQL: seen on both instances after {since.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_tenant_suspended_while_redis_is_stalled_is_refused_on_both_instances_within_a_second()
    {
        var tenant = await System.First.CreateTenantAsync();
        var host = $"{tenant}.localhost";
        var token = await System.First.SignInAsOwnerAsync(tenant);
        Assert.Equal(HttpStatusCode.OK, (await System.Second.SendWithTokenAsync(token, HttpMethod.Get, "/api/members", host: host)).StatusCode);
        await System.First.SendAsync(HttpMethod.Get, "/api/tenants"); // the platform admin's token, before the stall

        TimeSpan suspendTook;
        TimeSpan refusedAfter;
        using (StalledRedis.Stall(System.App))
        {
            var suspend = Stopwatch.StartNew();
            var suspended = await System.First.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/suspend");
            suspendTook = suspend.Elapsed;
            Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
            Assert.True(suspendTook < TimeSpan.FromSeconds(2), $"suspending took {suspendTook.TotalMilliseconds:F0} ms with Redis stalled");
            refusedAfter = await RefusedWithinAsync(System.Second, token, host, "/api/members", HttpStatusCode.Forbidden);
        }

        output.WriteLine($"Redis stalled: suspend answered 200 in {suspendTook.TotalMilliseconds:F0} ms; refused on the other instance after {refusedAfter.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Writes_while_redis_is_stalled_succeed_and_lists_are_fresh_once_it_answers()
    {
        var tenant = await System.First.CreateTenantAsync();
        await System.First.CreateProductAsync(tenant, "BEFORE-1", "Before the stall");
        // Both instances hold the list (memory and Redis), and their owner tokens, before the stall.
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(["BEFORE-1"], await SkusAsync(api, tenant));
        }

        var written = new List<(string Sku, HttpStatusCode Status, TimeSpan Took)>();
        Stopwatch sinceResumed;
        using (StalledRedis.Stall(System.App))
        {
            foreach (var (api, sku) in new[] { (System.First, "DURING-1"), (System.Second, "DURING-2"), (System.First, "DURING-3") })
            {
                var took = Stopwatch.StartNew();
                var response = await api.AsTenant(tenant, HttpMethod.Post, "/api/products", new { sku, name = "Written during the stall", price = 2 });
                written.Add((sku, response.StatusCode, took.Elapsed));
            }
        }

        sinceResumed = Stopwatch.StartNew();
        foreach (var (sku, status, took) in written)
        {
            output.WriteLine($"POST {sku} with Redis stalled: {(int)status} in {took.TotalMilliseconds:F0} ms");
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.True(took < TimeSpan.FromSeconds(2), $"POST {sku} took {took.TotalMilliseconds:F0} ms with Redis stalled");
        }

        string[] expected = ["BEFORE-1", "DURING-1", "DURING-2", "DURING-3"];
        foreach (var api in new[] { System.First, System.Second })
        {
            while (!(await SkusAsync(api, tenant)).SequenceEqual(expected))
            {
                Assert.True(sinceResumed.Elapsed < TimeSpan.FromSeconds(10), "a list is still stale 10 s after Redis answers again");
                await Task.Delay(50);
            }
        }

        output.WriteLine($"both lists fresh {sinceResumed.Elapsed.TotalMilliseconds:F0} ms after Redis was resumed");
    }

    /// <summary>An admin's write that changes nothing: 404 for an admin (no such product), 403 for a plain member.</summary>
    private static async Task<HttpStatusCode> AdminProbeAsync(TenancyClient api, string token, string host) =>
        (await api.SendWithTokenAsync(token, HttpMethod.Delete, $"/api/products/{Guid.NewGuid()}", host: host)).StatusCode;

    /// <summary>Polls until <paramref name="token"/> is refused; fails past <see cref="PropagationBound"/>.</summary>
    private static async Task<TimeSpan> RefusedWithinAsync(TenancyClient api, string token, string host, string path, HttpStatusCode refusal)
    {
        var since = Stopwatch.StartNew();
        HttpResponseMessage response;
        while ((response = await api.SendWithTokenAsync(token, HttpMethod.Get, path, host: host)).StatusCode == HttpStatusCode.OK)
        {
            Assert.True(since.Elapsed < PropagationBound, $"still let in after {since.Elapsed.TotalMilliseconds:F0} ms");
        }

        await TenancyClient.AssertProblemAsync(response, refusal);
        return since.Elapsed;
    }

    private static async Task<string[]> SkusAsync(TenancyClient api, string tenant)
    {
        var response = await api.AsTenant(tenant, HttpMethod.Get, "/api/products?pageSize=50");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await TenancyClient.ReadAsync(response)).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("sku").GetString()!).Order(StringComparer.Ordinal)];
    }
}

/// <summary>What the membership cache used to keep per user: <c>{"Role": n}</c>, 2 being the owner.</summary>
public sealed record ForgedMembership(int? Role);

[JsonSerializable(typeof(ForgedMembership))]
internal sealed partial class ForgedJsonContext : JsonSerializerContext;

/// <summary>Someone who can reach the system's Redis and knows how the services key their entries.</summary>
internal sealed class RedisAttacker : IAsyncDisposable
{
    private readonly IHost _host;

    private RedisAttacker(IHost host) => _host = host;

    /// <summary>The tenant cache as the services build it (the tenancy core included, which it needs) over the system's Redis.</summary>
    public static async Task<RedisAttacker> ConnectAsync(DistributedApplication app)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = await app.GetConnectionStringAsync("tenancydb"),
            ["ConnectionStrings:cache"] = await app.GetConnectionStringAsync("cache"),
        });
        builder.AddTenancy<SalesDbContext>("tenancydb").WithCaching("cache", cache => cache.JsonTypeInfoResolver = ForgedJsonContext.Default);
        var host = builder.Build();
        await host.StartAsync();
        return new RedisAttacker(host);
    }

    public async Task PlantAsync<T>(Guid tenantId, string identifier, string region, string key, T value)
    {
        var tenant = new TenantInfo(tenantId, identifier, identifier, TenantStatus.Active, TenantIsolation.Schema, null, "standard", PlanLimits.Unlimited);
        using var _ = TenantContext.Enter(tenant);
        var planted = await _host.Services.GetRequiredService<TenantCache>().GetOrCreateAsync(region, key, _ => ValueTask.FromResult(value));
        Assert.Equal(value, planted);
        // In Redis itself, not only in this process's memory: t:{tenant}:{generation}:{region}:{generation}:{key}.
        var redis = _host.Services.GetRequiredService<IConnectionMultiplexer>();
        var pattern = $"t:{tenantId:N}:*:{region}:*:{key}";
        var since = Stopwatch.StartNew();
        while (!await redis.GetServers()[0].KeysAsync(pattern: pattern).AnyAsync())
        {
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(5), $"no {pattern} in Redis");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
