using System.Diagnostics;
using System.Net;
using Tenancy.EndToEndTests.Failures;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Provisioning;

/// <summary>
/// The Api killed outright (SIGKILL) while it creates a database-tier tenant: after a restart, the same request
/// completes it (owner included) or finds it made, and a creation nobody retries is removed by the Worker, database
/// and all. No orphan database, no lost identifier.
/// </summary>
[Collection(ApiCrashCollection.Name)]
public sealed class ProvisioningCrashTests(ApiCrashFixture system, ITestOutputHelper output)
{
    /// <param name="afterIntentMilliseconds">
    /// When to kill: -1 as soon as the creation holds its lease or has recorded its intent (before CREATE DATABASE),
    /// else that long after the intent appeared (mid-build, or after the commit).
    /// </param>
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(250)]
    [InlineData(1500)]
    public async Task An_api_killed_mid_creation_is_completed_by_the_same_request_after_restart(int afterIntentMilliseconds)
    {
        var identifier = TenancyClient.NewIdentifier("kill");
        var clock = Stopwatch.StartNew();
        var sent = system.Client.SendAsync(HttpMethod.Post, "/api/tenants", Body(identifier));
        var trigger = afterIntentMilliseconds < 0 ? LeasedOrRecordedSql : RecordedSql;
        while (!await system.ScalarAsync<bool>(trigger, identifier))
        {
            Assert.False(sent.IsCompleted && !sent.IsCompletedSuccessfully, "the request failed before it reached the creation");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the creation never started");
            await Task.Delay(2);
        }

        await Task.Delay(Math.Max(0, afterIntentMilliseconds));
        await system.KillApiAsync();
        var stateAtKill = await system.ScalarAsync<string>("SELECT status FROM tenancy.tenants WHERE identifier = $1", identifier) ?? "no row";
        var firstAnswer = await AnswerAsync(sent);
        output.WriteLine($"killed {clock.ElapsedMilliseconds} ms after the request ({afterIntentMilliseconds} ms after the intent): tenant {stateAtKill}, first request {firstAnswer}");

        await system.RestartApiAsync();
        var stateAtRetry = await system.ScalarAsync<string>("SELECT status FROM tenancy.tenants WHERE identifier = $1", identifier) ?? "no row";
        if (stateAtRetry == "Provisioning")
        {
            // Half-made, it is never served: a clear answer, never another tenant's data.
            var meanwhile = await TenancyClient.AssertProblemAsync(
                await system.Client.AsTenant(identifier, HttpMethod.Get, "/api/products"), HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Tenant being created", meanwhile.GetProperty("title").GetString());
        }

        var retried = await system.Client.SendAsync(HttpMethod.Post, "/api/tenants", Body(identifier));
        output.WriteLine($"{clock.ElapsedMilliseconds} ms: retry of a tenant {stateAtRetry} answered {(int)retried.StatusCode}");

        Assert.True(retried.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await retried.Content.ReadAsStringAsync());
        Assert.Equal("active", (await TenancyClient.ReadAsync(retried)).GetProperty("status").GetString());
        // The owner committed with the tenant: they sign in and the tenant's store serves them.
        // With this token, not the client's cached one: that may still be the refused sign-in of a second ago.
        var owner = await system.Client.SignInAsOwnerAsync(identifier);
        Assert.Equal(HttpStatusCode.OK, (await system.Client.SendWithTokenAsync(owner, HttpMethod.Get, "/api/products", host: $"{identifier}.localhost")).StatusCode);
        Assert.Equal(1L, await system.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = $1", DatabaseName(identifier)));
        Assert.Empty(await system.OrphanDatabasesAsync());
    }

    private const string RecordedSql = "SELECT EXISTS (SELECT 1 FROM tenancy.tenants WHERE identifier = $1)";

    // The lease is an advisory lock on hashtextextended('provisioning:' || identifier, 0): pg_locks shows its two halves.
    private const string LeasedOrRecordedSql = """
        SELECT EXISTS (SELECT 1 FROM tenancy.tenants WHERE identifier = $1)
            OR EXISTS (SELECT 1 FROM pg_locks l, hashtextextended('provisioning:' || $1, 0) k
                       WHERE l.locktype = 'advisory' AND l.objsubid = 1
                         AND l.classid::bigint = (k >> 32) & 4294967295 AND l.objid::bigint = k & 4294967295)
        """;

    [Fact]
    public async Task A_creation_killed_after_its_intent_and_never_retried_is_removed_by_the_worker()
    {
        var identifier = TenancyClient.NewIdentifier("gone");
        var sent = system.Client.SendAsync(HttpMethod.Post, "/api/tenants", Body(identifier));
        // Kill inside the window that CREATE DATABASE opens: the intent committed, the tenant not yet active.
        var waited = Stopwatch.StartNew();
        while (await system.ScalarAsync<string>("SELECT status FROM tenancy.tenants WHERE identifier = $1", identifier) != "Provisioning")
        {
            Assert.False(sent.IsCompleted && !sent.IsCompletedSuccessfully, "the request failed before it reached the creation");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the creation never recorded its intent");
            await Task.Delay(5);
        }

        await system.KillApiAsync();
        await AnswerAsync(sent);
        Assert.Equal("Provisioning", await system.ScalarAsync<string>("SELECT status FROM tenancy.tenants WHERE identifier = $1", identifier));
        output.WriteLine($"killed {waited.ElapsedMilliseconds} ms in, while Provisioning; database made: {await system.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = $1", DatabaseName(identifier))}");
        await system.RestartApiAsync();

        // Requests for it meanwhile get a clear answer, never another tenant's data. On a loaded machine the restart
        // can outlast the 30 s after which the Worker sweeps the creation: then the tenant is already unknown.
        var answer = await system.Client.AsTenant(identifier, HttpMethod.Get, "/api/products");
        var swept = answer.StatusCode == HttpStatusCode.NotFound
            && await system.ScalarAsync<long>("SELECT count(*) FROM tenancy.tenants WHERE identifier = $1", identifier) == 0;
        var meanwhile = await TenancyClient.AssertProblemAsync(answer, swept ? HttpStatusCode.NotFound : HttpStatusCode.ServiceUnavailable);
        Assert.Equal(swept ? "Unknown tenant" : "Tenant being created", meanwhile.GetProperty("title").GetString());

        // The Worker's sweep (abandoned after 30 s here) removes the row and its database.
        waited.Restart();
        while (await system.ScalarAsync<long>("SELECT count(*) FROM tenancy.tenants WHERE identifier = $1", identifier) > 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "the Worker never removed the abandoned creation");
            await Task.Delay(200);
        }

        output.WriteLine($"removed by the Worker {waited.ElapsedMilliseconds} ms after the restart");
        Assert.Equal(0L, await system.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = $1", DatabaseName(identifier)));
        Assert.Empty(await system.OrphanDatabasesAsync());
        // The identifier is free again.
        Assert.Equal(HttpStatusCode.Created, (await system.Client.SendAsync(HttpMethod.Post, "/api/tenants", Body(identifier))).StatusCode);
    }

    private static object Body(string identifier) => new
    {
        identifier,
        name = $"Tenant {identifier}",
        isolation = "database",
        domains = new[] { $"{identifier}.example.com" },
        owner = new { email = TenancyClient.OwnerEmail(identifier), password = TenancyClient.OwnerPassword(identifier) },
    };

    private static string DatabaseName(string identifier) => "tenant_" + identifier.Replace('-', '_');

    /// <summary>What the killed request got: a status if it finished before the kill, else the failure.</summary>
    private static async Task<string> AnswerAsync(Task<HttpResponseMessage> sent)
    {
        try
        {
            return ((int)(await sent).StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException ex)
        {
            return ex.GetType().Name;
        }
    }
}
