using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Security;

/// <summary>
/// A password change and a sign-out revoke every other token of the user on every Api instance within a second
/// (the security stamp is PostgreSQL's, announced by NOTIFY), and the fresh token works everywhere.
/// </summary>
[Collection(TwoApiInstancesCollection.Name)]
public sealed class PasswordChangeAndSignOutTests(TwoApiInstancesFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(1);

    private TwoApiInstances System => fixture.System;

    [Fact]
    public async Task A_password_change_revokes_the_users_other_tokens_on_every_instance_and_the_new_token_works()
    {
        var tenant = await System.First.CreateTenantAsync();
        var host = $"{tenant}.localhost";
        const string email = "changer@example.com";
        const string oldPassword = "old password 123456";
        const string newPassword = "new password 654321";
        await System.First.AddMemberAsync(tenant, email, oldPassword, "admin");
        var onFirst = await System.First.SignInAsync(tenant, email, oldPassword);
        var onSecond = await System.Second.SignInAsync(tenant, email, oldPassword);
        foreach (var api in new[] { System.First, System.Second })
        {
            foreach (var token in new[] { onFirst, onSecond })
            {
                Assert.Equal(HttpStatusCode.OK, (await Members(api, token, host)).StatusCode);
            }
        }

        // Refusals first: nothing changes.
        var wrong = await System.First.SendWithTokenAsync(onFirst, HttpMethod.Post, "/api/auth/password", new { currentPassword = "not the password 1", newPassword }, host: host);
        Assert.Contains("current password", (await TenancyClient.AssertProblemAsync(wrong, HttpStatusCode.Forbidden)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var weak = await System.First.SendWithTokenAsync(onFirst, HttpMethod.Post, "/api/auth/password", new { currentPassword = oldPassword, newPassword = "short" }, host: host);
        await TenancyClient.AssertProblemAsync(weak, HttpStatusCode.BadRequest);
        var elsewhere = await System.First.SendWithTokenAsync(onFirst, HttpMethod.Post, "/api/auth/password", new { currentPassword = oldPassword, newPassword }, host: null);
        await TenancyClient.AssertProblemAsync(elsewhere, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await Members(System.Second, onFirst, host)).StatusCode);

        var changed = await System.First.SendWithTokenAsync(onFirst, HttpMethod.Post, "/api/auth/password", new { currentPassword = oldPassword, newPassword }, host: host);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var fresh = (await TenancyClient.ReadAsync(changed)).GetProperty("accessToken").GetString()!;

        var revokedAfter = await RevokedEverywhereWithinAsync(host, onFirst, onSecond);
        output.WriteLine($"password change: the old tokens refused on both instances after {revokedAfter.TotalMilliseconds:F0} ms");
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(HttpStatusCode.OK, (await Members(api, fresh, host)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await System.Second.RequestTokenAsync(tenant, email, oldPassword)).StatusCode);
        await System.Second.SignInAsync(tenant, email, newPassword);
    }

    [Fact]
    public async Task Sign_out_revokes_every_token_of_the_user_on_every_instance()
    {
        var tenant = await System.First.CreateTenantAsync();
        var host = $"{tenant}.localhost";
        const string email = "leaving@example.com";
        const string password = "sign-out password 1234";
        await System.First.AddMemberAsync(tenant, email, password, "member");
        var onFirst = await System.First.SignInAsync(tenant, email, password);
        var onSecond = await System.Second.SignInAsync(tenant, email, password);
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(HttpStatusCode.OK, (await Members(api, onFirst, host)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await System.Second.SendWithTokenAsync(onSecond, HttpMethod.Post, "/api/auth/sign-out", host: host)).StatusCode);

        var revokedAfter = await RevokedEverywhereWithinAsync(host, onFirst, onSecond);
        output.WriteLine($"sign-out: every token refused on both instances after {revokedAfter.TotalMilliseconds:F0} ms");
        var again = await System.First.SendWithTokenAsync(onFirst, HttpMethod.Post, "/api/auth/sign-out", host: host);
        await TenancyClient.AssertProblemAsync(again, HttpStatusCode.Unauthorized);

        // Signing in again works, and the new token is not touched by the old sign-out.
        var next = await System.First.SignInAsync(tenant, email, password);
        foreach (var api in new[] { System.First, System.Second })
        {
            Assert.Equal(HttpStatusCode.OK, (await Members(api, next, host)).StatusCode);
        }
    }

    private static Task<HttpResponseMessage> Members(TenancyClient api, string token, string host) =>
        api.SendWithTokenAsync(token, HttpMethod.Get, "/api/members", host: host);

    /// <summary>Polls every token on both instances until each is refused with a 401 naming the revocation.</summary>
    private async Task<TimeSpan> RevokedEverywhereWithinAsync(string host, params string[] tokens)
    {
        var since = Stopwatch.StartNew();
        foreach (var api in new[] { System.Second, System.First })
        {
            foreach (var token in tokens)
            {
                HttpResponseMessage response;
                while ((response = await Members(api, token, host)).StatusCode == HttpStatusCode.OK)
                {
                    Assert.True(since.Elapsed < PropagationBound, $"a revoked token still works after {since.Elapsed.TotalMilliseconds:F0} ms");
                }

                var problem = await TenancyClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
                Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        return since.Elapsed;
    }
}
