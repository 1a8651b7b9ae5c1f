using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Security;

/// <summary>Removing a member on one Api instance refuses their token on every instance, not only the one that removed them.</summary>
public sealed class RevocationAcrossInstancesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TwoApiInstances _system = null!;

    public async Task InitializeAsync() => _system = await TwoApiInstances.StartAsync();

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task A_member_removed_on_one_instance_is_refused_on_the_other_within_a_second()
    {
        var tenant = await _system.First.CreateTenantAsync();
        var host = $"{tenant}.localhost";
        const string email = "leaver@example.com";
        const string password = "departing colleague 1234";
        var leaver = await _system.First.AddMemberAsync(tenant, email, password, "admin");
        var token = await _system.First.SignInAsync(tenant, email, password);
        // The other instance has the membership cached (memory and Redis).
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _system.Second.SendWithTokenAsync(token, HttpMethod.Get, "/api/products", host: host)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await _system.First.AsTenant(tenant, HttpMethod.Delete, $"/api/members/{leaver}")).StatusCode);

        var since = Stopwatch.StartNew();
        HttpStatusCode status;
        while ((status = (await _system.Second.SendWithTokenAsync(token, HttpMethod.Get, "/api/products", host: host)).StatusCode) == HttpStatusCode.OK)
        {
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(1), "the other instance still lets the removed member in after 1 s");
        }

        output.WriteLine($"refused on the other instance after {since.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        // And on the instance that removed them, at once.
        await TenancyClient.AssertProblemAsync(await _system.First.SendWithTokenAsync(token, HttpMethod.Get, "/api/products", host: host), HttpStatusCode.Forbidden);
    }
}
