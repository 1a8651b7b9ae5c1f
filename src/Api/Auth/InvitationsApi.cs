using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Invitations;
using Tenancy.Accounts.Users;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Context;

namespace Tenancy.Api.Auth;

/// <param name="Password">A new user's password, which must pass the password rules; ignored for an existing user.</param>
public sealed record AcceptInvitationRequest(
    [property: Required, StringLength(100)] string Token,
    [property: StringLength(256)] string? Password);

/// <summary>
/// A tenant's invitations, on its host: admins list the pending ones and revoke them; the invitee accepts with the
/// token they were sent (anonymous, rate limited like sign-in), which works on that tenant's host only.
/// </summary>
public static class InvitationsApi
{
    public static IEndpointRouteBuilder MapInvitationsApi(this IEndpointRouteBuilder app)
    {
        var invitations = app.MapGroup("/api/invitations").WithTags("Members").RequireTenant();
        invitations.MapGet("/", ListInvitations).WithName("ListInvitations").WithSummary("Pending invitations (admins)");
        invitations.MapDelete("/{id:guid}", RevokeInvitation).WithName("RevokeInvitation").WithSummary("Revoke a pending invitation; its token stops working");
        invitations.MapPost("/accept", AcceptInvitation)
            .WithName("AcceptInvitation")
            .WithSummary("Join the tenant with an invitation's token (and a password, for a new user)")
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimit.PolicyName);
        return app;
    }

    public static async Task<Results<Ok<List<InvitationView>>, ProblemHttpResult>> ListInvitations(
        ITenantContextAccessor tenants, HttpContext http, InvitationService invitations, CancellationToken cancellationToken) =>
        // A GET needs only a membership; who was invited is for those who invite.
        MembersApi.Actor(http).Role < TenantRole.Admin
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This needs the 'admin' role; the user is a 'member'.")
            : TypedResults.Ok(await invitations.ListPendingAsync(tenants.Current!, cancellationToken));

    public static async Task<NoContent> RevokeInvitation(
        Guid id, ITenantContextAccessor tenants, HttpContext http, InvitationService invitations, CancellationToken cancellationToken)
    {
        await invitations.RevokeAsync(tenants.Current!, id, MembersApi.Actor(http).Role, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<AcceptedInvitation>> AcceptInvitation(
        AcceptInvitationRequest request, ITenantContextAccessor tenants, InvitationService invitations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await invitations.AcceptAsync(tenants.Current!, request.Token, request.Password, cancellationToken));
}
