using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Security;

/// <summary>
/// Sign-in limits an attacker cannot turn against users: failures back off the account at the attacker's address,
/// not the account everywhere; <c>X-Forwarded-For</c> counts only from a configured proxy; and unknown accounts,
/// wrong passwords and backed-off accounts answer alike, in about the same time. Every request of the test process
/// reaches the Api from loopback (the test, or DCP's proxy in front of the Api), which is the proxy trusted here.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class SignInAbuseTests(SecurityFixture fixture, ITestOutputHelper output)
{
    // The peer is loopback over IPv4 or IPv6, whichever the Api's "localhost" endpoint was reached on.
    private static readonly (string, string)[] TrustLoopback = [("Tenancy__ForwardedHeaders__KnownProxies__0", "127.0.0.1"), ("Tenancy__ForwardedHeaders__KnownProxies__1", "::1")];
    private static readonly (string, string)[] TrustNobody = [("Tenancy__ForwardedHeaders__KnownProxies__0", ""), ("Tenancy__ForwardedHeaders__KnownProxies__1", "")];
    private static int s_address;

    private readonly TenancyClient _client = fixture.Client;

    [Fact]
    public async Task X_forwarded_for_from_a_peer_that_is_not_a_configured_proxy_is_ignored()
    {
        // By default no proxy is trusted: the attacker's made-up addresses all count as the one it connects from.
        var tenant = await _client.CreateTenantAsync();
        var (email, password) = await AddMemberAsync(tenant);
        for (var i = 0; i < 6; i++)
        {
            await TenancyClient.AssertProblemAsync(await SignInFromAsync(tenant, email, $"guess {i} of many", NewAddress()), HttpStatusCode.Unauthorized);
        }

        // "Another address" in a header is the same peer, which is backed off now.
        await TenancyClient.AssertProblemAsync(await SignInFromAsync(tenant, email, password, NewAddress()), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_an_attacker_at_one_address_cannot_keep_the_owner_out_and_failures_answer_alike_in_similar_time()
    {
        await fixture.System.RestartApiAsync(TrustLoopback);
        try
        {
            await AnAttackerCannotKeepTheOwnerOutAsync();
            await FailuresTakeAboutTheSameTimeAsync();
        }
        finally
        {
            await fixture.System.RestartApiAsync(TrustNobody);
        }
    }

    private async Task AnAttackerCannotKeepTheOwnerOutAsync()
    {
        var tenant = await _client.CreateTenantAsync();
        var (email, password) = await AddMemberAsync(tenant);
        var attacker = NewAddress();
        var statuses = new List<int>();
        // 8 guesses, the right password and one more: the attacker's 10 a minute.
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((int)(await SignInFromAsync(tenant, email, $"guess {i} of many", attacker)).StatusCode);
        }

        // The attacker's address waits (even with the right password); the owner, elsewhere, signs in at once.
        var attackerWithTheRightPassword = await SignInFromAsync(tenant, email, password, attacker);
        var owner = await SignInFromAsync(tenant, email, password, NewAddress());
        output.WriteLine($"attacker: {string.Join(", ", statuses)}, then with the right password {(int)attackerWithTheRightPassword.StatusCode}; the owner from another address: {(int)owner.StatusCode}");

        Assert.Equal(Enumerable.Repeat(401, 8), statuses);
        await TenancyClient.AssertProblemAsync(attackerWithTheRightPassword, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        // And again, while the attacker keeps going.
        await TenancyClient.AssertProblemAsync(await SignInFromAsync(tenant, email, "one more guess", attacker), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await SignInFromAsync(tenant, email, password, NewAddress())).StatusCode);
    }

    private async Task FailuresTakeAboutTheSameTimeAsync()
    {
        const int Samples = 15;
        const int BackedOffAddresses = 5;
        var tenant = await _client.CreateTenantAsync();
        var wrong = await AddMemberAsync(tenant);
        var backedOff = await AddMemberAsync(tenant);
        // Each backed-off address: 6 failures (5 are free), then 3 measured attempts, within its 10 a minute.
        var waiting = Enumerable.Range(0, BackedOffAddresses).Select(_ => NewAddress()).ToArray();
        foreach (var address in waiting)
        {
            for (var i = 0; i < 6; i++)
            {
                await SignInFromAsync(tenant, backedOff.Email, $"guess {i} of many", address);
            }
        }

        var times = new Dictionary<string, List<double>> { ["unknown"] = [], ["wrong"] = [], ["backed off"] = [] };
        var bodies = new HashSet<string>();
        for (var i = 0; i < Samples + 1; i++)
        {
            // Interleaved, so drift in the machine's load falls on every kind alike; the first round warms up.
            var round = new (string Kind, string Email, string Password, string Address)[]
            {
                ("unknown", $"nobody-{Guid.NewGuid():N}@{tenant}.example", "some pass phrase 1", NewAddress()),
                ("wrong", wrong.Email, $"not the pass phrase {i}", NewAddress()),
                ("backed off", backedOff.Email, backedOff.Password, waiting[i % BackedOffAddresses]),
            };
            foreach (var (kind, email, password, address) in round)
            {
                var started = Stopwatch.GetTimestamp();
                var response = await SignInFromAsync(tenant, email, password, address);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{kind}: {response.StatusCode}");
                bodies.Add(await response.Content.ReadAsStringAsync() is var body ? StripTraceId(body) : "");
                if (i > 0)
                {
                    times[kind].Add(elapsed);
                }
            }
        }

        var medians = times.ToDictionary(t => t.Key, t => Median(t.Value));
        output.WriteLine(string.Join("; ", medians.Select(m => $"{m.Key}: median {m.Value:F1} ms (min {times[m.Key].Min():F1}, max {times[m.Key].Max():F1})")));
        Assert.Single(bodies);
        // Before, a locked account answered in 3-8 ms against 60-115 ms: a factor above 10. A factor of 2 is generous for noise.
        var ratio = medians.Values.Max() / medians.Values.Min();
        output.WriteLine($"slowest / fastest median: {ratio:F2}");
        Assert.True(ratio < 2, $"medians differ by a factor of {ratio:F2}");
    }

    private async Task<(string Email, string Password)> AddMemberAsync(string tenant)
    {
        var email = $"user-{Guid.NewGuid():N}@{tenant}.example";
        var password = $"pass phrase {Guid.NewGuid():N}";
        await _client.AddMemberAsync(tenant, email, password, "member");
        return (email, password);
    }

    private Task<HttpResponseMessage> SignInFromAsync(string tenant, string email, string password, string forwardedFor)
    {
        var request = TenancyClient.NewRequest(HttpMethod.Post, "/api/auth/token", new { email, password }, host: $"{tenant}.localhost");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return _client.Anonymous.SendAsync(request);
    }

    /// <summary>A documentation-range address (198.18.0.0/15) no other test uses.</summary>
    private static string NewAddress()
    {
        var n = Interlocked.Increment(ref s_address);
        return $"198.{18 + (n >> 16 & 1)}.{n >> 8 & 255}.{n & 255}";
    }

    // The problem's traceId differs per request; everything else must not.
    private static string StripTraceId(string body) => System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", "");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
