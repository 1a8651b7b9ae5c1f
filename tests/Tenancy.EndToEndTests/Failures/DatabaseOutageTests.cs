using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Failures;

/// <summary>A system of its own: stopping its PostgreSQL would fail whatever else shared it.</summary>
public sealed class DatabaseOutageFixture : AppHostFixture;

/// <summary>
/// PostgreSQL stops under a running Api: reads, writes and sign-ins get 503 with Retry-After (never 500), readiness
/// says unhealthy and liveness stays up; PostgreSQL starts again and the same Api serves, no restart.
/// </summary>
public sealed class DatabaseOutageTests(DatabaseOutageFixture fixture, ITestOutputHelper output) : IClassFixture<DatabaseOutageFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TenancyClient _client = new(fixture.Api);

    [Fact]
    public async Task PostgreSQL_down_is_503_with_Retry_After_and_unready_then_back_to_200_without_restarting_the_Api()
    {
        var tenant = await _client.CreateTenantAsync();
        var token = await _client.SignInAsOwnerAsync(tenant);
        var host = $"{tenant}.localhost";
        var apiProcess = fixture.App.ServiceProcessId("api");
        Assert.Equal(HttpStatusCode.OK, (await Read()).StatusCode);

        await fixture.App.StopResourceAsync("postgres");
        var stopped = Stopwatch.StartNew();
        try
        {
            // The first answers may still come from connections that have not noticed yet; within the bound, 503s.
            var read = await UntilAsync(Read, r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "a read");
            await AssertUnavailableAsync(read);
            await AssertUnavailableAsync(await Write("during"));
            await AssertUnavailableAsync(await SignIn());

            var ready = await _client.Anonymous.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            var alive = await _client.Anonymous.GetAsync("/alive");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            output.WriteLine($"503s and unready {stopped.ElapsedMilliseconds} ms after the stop");
        }
        finally
        {
            await fixture.App.StartResourceAsync("postgres");
        }

        var started = Stopwatch.StartNew();
        var back = await UntilAsync(Read, r => r.StatusCode == HttpStatusCode.OK, "a read after the start");
        var firstRead = started.Elapsed;
        Assert.Equal(HttpStatusCode.Created, (await UntilAsync(() => Write("after"), r => r.StatusCode != HttpStatusCode.ServiceUnavailable, "a write")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await UntilAsync(SignIn, r => r.StatusCode != HttpStatusCode.ServiceUnavailable, "a sign-in")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await UntilAsync(() => _client.Anonymous.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.OK, "readiness")).StatusCode);
        output.WriteLine($"first 200 {firstRead.TotalMilliseconds:0} ms after PostgreSQL was healthy again; everything back after {started.ElapsedMilliseconds} ms");

        // The same process all along, and nothing written while PostgreSQL was away.
        Assert.Equal(apiProcess, fixture.App.ServiceProcessId("api"));
        var names = (await TenancyClient.ReadAsync(await Read())).GetProperty("data").EnumerateArray().Select(c => c.GetProperty("name").GetString());
        Assert.Equal(["after"], names);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);

        Task<HttpResponseMessage> Read() => _client.SendWithTokenAsync(token, HttpMethod.Get, "/api/customers", host: host);

        Task<HttpResponseMessage> Write(string name) => _client.SendWithTokenAsync(token, HttpMethod.Post, "/api/customers", new { name }, host: host);

        Task<HttpResponseMessage> SignIn() => _client.RequestTokenAsync(tenant, TenancyClient.OwnerEmail(tenant), TenancyClient.OwnerPassword(tenant));
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var problem = await TenancyClient.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Contains("PostgreSQL cannot be reached", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Sends until <paramref name="done"/> holds (a 500 fails at once), within <see cref="Bound"/>.</summary>
    private static async Task<HttpResponseMessage> UntilAsync(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, bool> done, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, $"{what}: 500 {await response.Content.ReadAsStringAsync()}");
            if (done(response))
            {
                return response;
            }

            Assert.True(waited.Elapsed < Bound, $"{what}: still {(int)response.StatusCode} after {Bound.TotalSeconds} s: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(100);
        }
    }
}
