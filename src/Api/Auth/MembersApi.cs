using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Invitations;
using Tenancy.Accounts.Members;
using Tenancy.Accounts.Users;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Context;

namespace Tenancy.Api.Auth;

public sealed record AddMemberRequest(
    [property: Required, StringLength(320)] string Email,
    TenantRole Role = TenantRole.Member);

public sealed record ChangeRoleRequest(TenantRole Role);

/// <summary>
/// A tenant's users, on its host: members list them, admins invite and remove members, owners manage owners. Adding a
/// member by e-mail invites them (<see cref="InvitationsApi"/>): the answer is the same whether the address has an
/// account or not, and the person joins only by accepting.
/// </summary>
public static class MembersApi
{
    public static IEndpointRouteBuilder MapMembersApi(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/members").WithTags("Members").RequireTenant();
        members.MapGet("/", ListMembers).WithName("ListMembers");
        members.MapPost("/", AddMember).WithName("AddMember").WithSummary("Invite a person by e-mail, within the plan's user limit; they join when they accept");
        members.MapPut("/{userId:guid}", ChangeRole).WithName("ChangeMemberRole");
        members.MapDelete("/{userId:guid}", RemoveMember).WithName("RemoveMember").WithSummary("Remove a member; their tokens stop working on this tenant at once");
        return app;
    }

    public static async Task<Ok<List<MemberView>>> ListMembers(ITenantContextAccessor tenants, MemberService members, CancellationToken cancellationToken) =>
        TypedResults.Ok(await members.ListAsync(tenants.Current!, cancellationToken));

    public static async Task<Accepted<InvitationView>> AddMember(
        AddMemberRequest request, ITenantContextAccessor tenants, HttpContext http, InvitationService invitations, CancellationToken cancellationToken)
    {
        var actor = Actor(http);
        var invitation = await invitations.InviteAsync(tenants.Current!, request.Email, request.Role, actor.Role, actor.UserId, http.Request.Host.Value!, cancellationToken);
        return TypedResults.Accepted("/api/invitations", invitation);
    }

    public static async Task<Ok<MemberView>> ChangeRole(
        Guid userId, ChangeRoleRequest request, ITenantContextAccessor tenants, HttpContext http, MemberService members, CancellationToken cancellationToken) =>
        TypedResults.Ok(await members.ChangeRoleAsync(tenants.Current!, userId, request.Role, ActorRole(http), cancellationToken));

    public static async Task<NoContent> RemoveMember(
        Guid userId, ITenantContextAccessor tenants, HttpContext http, MemberService members, CancellationToken cancellationToken)
    {
        await members.RemoveAsync(tenants.Current!, userId, ActorRole(http), cancellationToken);
        return TypedResults.NoContent();
    }

    private static TenantRole ActorRole(HttpContext http) => Actor(http).Role;

    // Set by the authorization handler, which has already required a membership on this tenant.
    internal static TenantMembershipFeature Actor(HttpContext http) =>
        http.Features.Get<TenantMembershipFeature>() ?? throw new InvalidOperationException("No membership was authorized for this request.");
}
