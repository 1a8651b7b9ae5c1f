using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Security;

/// <summary>
/// Adding members by invitation, through the whole system: no user enumeration across tenants, nobody joins without
/// accepting, and a token works once, on its own tenant, before it expires.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class InvitationTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private readonly TenancyClient _client = fixture.Client;

    private InvitationMailbox Mailbox => _client.Mailbox!;

    [Fact]
    public async Task Adding_a_member_answers_alike_for_an_unknown_address_a_known_one_and_another_tenants_user_and_names_no_user_id()
    {
        var (a, b) = (await _client.CreateTenantAsync(), await _client.CreateTenantAsync());
        var otherTenantsOwner = TenancyClient.OwnerEmail(b);
        var otherOwnerId = (await TenancyClient.ReadAsync(await _client.AsTenant(b, HttpMethod.Get, "/api/members")))[0].GetProperty("userId").GetGuid();
        var knownHere = $"known@{a}.example";
        await _client.AddMemberAsync(b, knownHere, "a fine pass phrase 42", "member"); // a user of B, so known to the platform

        var answers = new List<(string Case, HttpStatusCode Status, string Shape, string Body)>();
        foreach (var (name, email) in new[] { ("unknown address", $"nobody-{Guid.NewGuid():N}@nowhere.example"), ("another tenant's owner", otherTenantsOwner), ("another tenant's member", knownHere) })
        {
            var response = await _client.InviteAsync(a, email, "member");
            var body = await response.Content.ReadAsStringAsync();
            var shape = string.Join(",", JsonDocument.Parse(body).RootElement.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}"));
            answers.Add((name, response.StatusCode, $"{response.Content.Headers.ContentType?.MediaType} {shape}", body));
            output.WriteLine($"{name}: {(int)response.StatusCode} {shape}");
        }

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Accepted, answer.Status));
        Assert.Single(answers.Select(answer => answer.Shape).Distinct());
        Assert.All(answers, answer => Assert.DoesNotContain("userId", answer.Body, StringComparison.OrdinalIgnoreCase));
        Assert.All(answers, answer => Assert.DoesNotContain(otherOwnerId.ToString(), answer.Body, StringComparison.OrdinalIgnoreCase));
        // Nobody was attached: A still has its owner only.
        Assert.Equal(1, (await TenancyClient.ReadAsync(await _client.AsTenant(a, HttpMethod.Get, "/api/members"))).GetArrayLength());
        // The pending list shows what the admin typed, and never a token.
        var pending = await TenancyClient.ReadAsync(await _client.AsTenant(a, HttpMethod.Get, "/api/invitations"));
        Assert.Equal(3, pending.GetArrayLength());
        var token = await Mailbox.TokenForAsync(a, otherTenantsOwner);
        Assert.DoesNotContain(token, pending.GetRawText(), StringComparison.Ordinal);
        Assert.All(answers, answer => Assert.DoesNotContain(token, answer.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_existing_user_joins_only_by_accepting_and_a_token_works_once_on_its_own_tenant_before_it_expires()
    {
        var (a, b) = (await _client.CreateTenantAsync(), await _client.CreateTenantAsync());
        var (email, password) = (TenancyClient.OwnerEmail(b), TenancyClient.OwnerPassword(b));
        Assert.Equal(HttpStatusCode.Accepted, (await _client.InviteAsync(a, email, "admin")).StatusCode);

        // Invited is not joined.
        await TenancyClient.AssertProblemAsync(await _client.RequestTokenAsync(a, email, password), HttpStatusCode.Unauthorized);
        Assert.Equal(1, (await TenancyClient.ReadAsync(await _client.AsTenant(a, HttpMethod.Get, "/api/members"))).GetArrayLength());

        var token = await Mailbox.TokenForAsync(a, email);
        var onB = await TenancyClient.AssertProblemAsync(await _client.AcceptInvitationAsync(b, token, null), HttpStatusCode.BadRequest);
        output.WriteLine($"A's token on B's host: {onB.GetProperty("detail").GetString()}");
        var forged = await TenancyClient.AssertProblemAsync(await _client.AcceptInvitationAsync(a, token[..^2] + "AA", null), HttpStatusCode.BadRequest);

        var accepted = await TenancyClient.ReadAsync(await _client.AcceptInvitationAsync(a, token, null));
        Assert.Equal("admin", accepted.GetProperty("role").GetString());
        var members = await TenancyClient.ReadAsync(await _client.AsTenant(a, HttpMethod.Get, "/api/members"));
        Assert.Contains(members.EnumerateArray(), m => m.GetProperty("userId").GetGuid() == accepted.GetProperty("userId").GetGuid() && m.GetProperty("role").GetString() == "admin");
        // Their own password, unchanged, now opens A too.
        await _client.SignInAsync(a, email, password);

        // Once only; the same answer as a forged token.
        var again = await TenancyClient.AssertProblemAsync(await _client.AcceptInvitationAsync(a, token, null), HttpStatusCode.BadRequest);
        Assert.Equal(forged.GetProperty("detail").GetString(), again.GetProperty("detail").GetString());
        Assert.Equal(forged.GetProperty("detail").GetString(), onB.GetProperty("detail").GetString());

        // Expired.
        var late = $"late@{a}.example";
        var lateInvitation = await TenancyClient.ReadAsync(await _client.InviteAsync(a, late, "member"));
        await Mailbox.ExpireAsync(lateInvitation.GetProperty("id").GetGuid());
        await TenancyClient.AssertProblemAsync(await _client.AcceptInvitationAsync(a, await Mailbox.TokenForAsync(a, late), "a fine pass phrase 42"), HttpStatusCode.BadRequest);

        // Revoked: gone from the list, its token refused.
        var revoked = $"revoked@{a}.example";
        var revokedInvitation = (await TenancyClient.ReadAsync(await _client.InviteAsync(a, revoked, "member"))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await _client.AsTenant(a, HttpMethod.Delete, $"/api/invitations/{revokedInvitation}")).StatusCode);
        var pending = await TenancyClient.ReadAsync(await _client.AsTenant(a, HttpMethod.Get, "/api/invitations"));
        Assert.DoesNotContain(pending.EnumerateArray(), i => i.GetProperty("id").GetGuid() == revokedInvitation);
        await TenancyClient.AssertProblemAsync(await _client.AcceptInvitationAsync(a, await Mailbox.TokenForAsync(a, revoked), "a fine pass phrase 42"), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.AsTenant(a, HttpMethod.Delete, $"/api/invitations/{revokedInvitation}")).StatusCode);
        Assert.Equal(1, await Mailbox.CountAsync(revoked));
    }

    [Fact]
    public async Task A_new_user_chooses_a_password_that_passes_the_rules_when_accepting()
    {
        var tenant = await _client.CreateTenantAsync();
        var email = $"newcomer@{tenant}.example";
        Assert.Equal(HttpStatusCode.Accepted, (await _client.InviteAsync(tenant, email, "member")).StatusCode);
        var token = await Mailbox.TokenForAsync(tenant, email);

        var refusals = new (string Case, string? Password, string Reason)[]
        {
            ("no password", null, "needs a password"),
            ("12 spaces", "            ", "not counting spaces"),
            ("a common password", "Password1234", "commonly used"),
            ("the e-mail's local part inside", "newcomer is here 2026", "e-mail address"),
        };
        foreach (var (name, password, reason) in refusals)
        {
            var problem = await TenancyClient.AssertProblemAsync(await _client.AcceptInvitationAsync(tenant, token, password), HttpStatusCode.BadRequest);
            var said = problem.GetProperty("errors").GetProperty("password")[0].GetString();
            output.WriteLine($"{name}: {said}");
            Assert.Contains(reason, said, StringComparison.Ordinal);
        }

        // The refusals did not use the token up.
        Assert.Equal(HttpStatusCode.OK, (await _client.AcceptInvitationAsync(tenant, token, "violet kiln harbour 7")).StatusCode);
        await _client.SignInAsync(tenant, email, "violet kiln harbour 7");
    }

    [Fact]
    public async Task Undefined_roles_are_refused_with_a_400_naming_the_roles()
    {
        var tenant = await _client.CreateTenantAsync();
        var owner = (await TenancyClient.ReadAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/members")))[0].GetProperty("userId").GetGuid();
        var cases = new (string Case, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("invite as 99", () => _client.AsTenant(tenant, HttpMethod.Post, "/api/members", new { email = $"x@{tenant}.example", role = 99 })),
            ("invite as -1", () => _client.AsTenant(tenant, HttpMethod.Post, "/api/members", new { email = $"x@{tenant}.example", role = -1 })),
            ("change to 99", () => _client.AsTenant(tenant, HttpMethod.Put, $"/api/members/{owner}", new { role = 99 })),
            ("change to -1", () => _client.AsTenant(tenant, HttpMethod.Put, $"/api/members/{owner}", new { role = -1 })),
        };
        foreach (var (name, send) in cases)
        {
            var problem = await TenancyClient.AssertProblemAsync(await send(), HttpStatusCode.BadRequest);
            var said = problem.GetProperty("errors").GetProperty("role")[0].GetString();
            output.WriteLine($"{name}: {said}");
            Assert.Contains("member, admin, owner", said, StringComparison.Ordinal);
        }

        await TenancyClient.AssertProblemAsync(await _client.AsTenant(tenant, HttpMethod.Post, "/api/members", new { email = $"x@{tenant}.example", role = "superuser" }), HttpStatusCode.BadRequest);
        Assert.Equal(0, (await TenancyClient.ReadAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/invitations"))).GetArrayLength());
        var members = await TenancyClient.ReadAsync(await _client.AsTenant(tenant, HttpMethod.Get, "/api/members"));
        Assert.Equal("owner", members[0].GetProperty("role").GetString());
    }
}
