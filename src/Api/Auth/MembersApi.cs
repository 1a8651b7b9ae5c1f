using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Members;
using Tenancy.Accounts.Users;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Context;

namespace Tenancy.Api.Auth;

public sealed record AddMemberRequest(
    [property: Required, StringLength(320)] string Email,
    [property: StringLength(256)] string? Password,
    TenantRole Role = TenantRole.Member);

public sealed record ChangeRoleRequest(TenantRole Role);

/// <summary>A tenant's users, on its host: members list them, admins add and remove members, owners manage owners.</summary>
public static class MembersApi
{
    public static IEndpointRouteBuilder MapMembersApi(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/members").WithTags("Members").RequireTenant();
        members.MapGet("/", ListMembers).WithName("ListMembers");
        members.MapPost("/", AddMember).WithName("AddMember").WithSummary("Add a user (new, or a user of another tenant), within the plan's user limit");
        members.MapPut("/{userId:guid}", ChangeRole).WithName("ChangeMemberRole");
        members.MapDelete("/{userId:guid}", RemoveMember).WithName("RemoveMember").WithSummary("Remove a member; their tokens stop working on this tenant at once");
        return app;
    }

    public static async Task<Ok<List<MemberView>>> ListMembers(ITenantContextAccessor tenants, MemberService members, CancellationToken cancellationToken) =>
        TypedResults.Ok(await members.ListAsync(tenants.Current!, cancellationToken));

    public static async Task<Created<MemberView>> AddMember(
        AddMemberRequest request, ITenantContextAccessor tenants, HttpContext http, MemberService members, CancellationToken cancellationToken)
    {
        var member = await members.AddAsync(tenants.Current!, request.Email, request.Password, request.Role, ActorRole(http), cancellationToken);
        return TypedResults.Created($"/api/members/{member.UserId}", member);
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

    // Set by the authorization handler, which has already required a membership on this tenant.
    private static TenantRole ActorRole(HttpContext http) =>
        http.Features.Get<TenantMembershipFeature>()?.Role ?? throw new InvalidOperationException("No membership was authorized for this request.");
}
