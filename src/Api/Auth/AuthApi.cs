using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Tenancy.Context;
using Tenancy.Tenants;

namespace Tenancy.Api.Auth;

public sealed record TokenRequest(
    [property: Required, StringLength(320)] string Email,
    [property: Required, StringLength(PasswordRules.MaximumLength)] string Password);

/// <param name="Tenant">The tenant the token opens, or null for a platform admin's token.</param>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string? Tenant);

public sealed record PasswordChangeRequest(
    [property: Required, StringLength(PasswordRules.MaximumLength)] string CurrentPassword,
    [property: Required, StringLength(PasswordRules.MaximumLength)] string NewPassword);

public sealed record MeResponse(Guid Id, string? Email, string? Tenant, string? Role, bool PlatformAdmin);

/// <summary>
/// Sign-in: on a tenant's host, a member of that tenant gets a token for that tenant only; on the platform host, a
/// platform admin gets a platform token. Rate limited per tenant and client address; repeated failures back off per
/// account and address (<see cref="SignInService"/>).
/// A password change or a sign-out renews the caller's security stamp, which revokes every token issued before.
/// </summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Authentication");
        auth.MapPost("/token", IssueToken)
            .WithName("IssueToken")
            .WithSummary("Sign in with e-mail and password; the host decides whether for a tenant or for the platform")
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimit.PolicyName);
        auth.MapGet("/me", Me).WithName("Me").WithSummary("Who the token belongs to").RequireAuthorization();
        // Guessing the current password through this endpoint counts like sign-in attempts.
        auth.MapPost("/password", ChangePassword)
            .WithName("ChangePassword")
            .WithSummary("Change the caller's password; every other token of theirs is revoked, the answer carries a fresh one")
            .RequireAuthorization()
            .RequireRateLimiting(SignInRateLimit.PolicyName);
        auth.MapPost("/sign-out", SignOut)
            .WithName("SignOut")
            .WithSummary("Revoke every token of the caller (this one included), on every instance")
            .RequireAuthorization();
        return app;
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request, ITenantContextAccessor tenants, SignInService signIn, SecurityStamps stamps, TokenIssuer issuer, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var tenant = tenants.Current;
        var client = ClientAddress.Of(http);
        var result = tenant is null
            ? await signIn.SignInPlatformAdminAsync(request.Email, request.Password, client, cancellationToken)
            : await signIn.SignInTenantUserAsync(tenant, request.Email, request.Password, client, cancellationToken);
        // Null when the account went away between the password check and now: as refused as a wrong password.
        var stamp = result.Outcome == SignInOutcome.Succeeded ? await stamps.FindAsync(result.Id!.Value, tenant is null, cancellationToken) : null;
        if (stamp is null)
        {
            // Unknown user, wrong password, not a member, backed off: one answer, so it tells nothing about accounts.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Sign-in failed",
                detail: "The e-mail or password is wrong, or too many attempts failed; wait a little and try again.");
        }

        return TypedResults.Ok(Respond(issuer, clock, result.Id!.Value, result.Email!, stamp.Value, tenant));
    }

    /// <summary>
    /// On the host the token was issued for (a tenant's for a tenant user, the platform's for a platform admin): the
    /// password is the user's, for every tenant they belong to, and so is the revocation.
    /// </summary>
    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> ChangePassword(
        PasswordChangeRequest request, ClaimsPrincipal user, ITenantContextAccessor tenants, PasswordChange passwords, TokenIssuer issuer, TimeProvider clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        var tenant = tenants.Current;
        if (Caller(user, tenant) is not { } id || user.FindFirstValue(JwtRegisteredClaimNames.Email) is not { } email)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Wrong host",
                detail: "Change a password on the host the token was issued for: the tenant's host for a tenant token, the platform host for a platform admin's.");
        }

        var result = await passwords.ChangeAsync(tenant, id, email, request.CurrentPassword, request.NewPassword, ClientAddress.Of(http), cancellationToken);
        return result.Outcome switch
        {
            PasswordChangeOutcome.Changed => TypedResults.Ok(Respond(issuer, clock, id, email, result.SecurityStamp!.Value, tenant)),
            PasswordChangeOutcome.Rejected => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Password not accepted", detail: result.Error),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Password not changed",
                detail: "The current password is wrong, or the account is locked after repeated failures."),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> SignOut(ClaimsPrincipal user, SecurityStamps stamps, CancellationToken cancellationToken)
    {
        if (TokenIssuer.SubjectOf(user) is not { } id || await stamps.RenewAsync(id, TenancyClaims.IsPlatformAdmin(user), passwordHash: null, cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unknown account", detail: "The token's account does not exist any more.");
        }

        return TypedResults.NoContent();
    }

    /// <summary>The caller's id when the token is for the request's side: its tenant's host, or the platform host.</summary>
    private static Guid? Caller(ClaimsPrincipal user, TenantInfo? tenant) =>
        (tenant is null ? TenancyClaims.IsPlatformAdmin(user) : !TenancyClaims.IsPlatformAdmin(user) && user.FindFirstValue(TenancyClaims.TenantId) == tenant.Id.ToString())
            ? TokenIssuer.SubjectOf(user)
            : null;

    private static TokenResponse Respond(TokenIssuer issuer, TimeProvider clock, Guid id, string email, Guid stamp, TenantInfo? tenant)
    {
        var token = tenant is null ? issuer.ForPlatformAdmin(id, email, stamp) : issuer.ForTenantUser(id, email, stamp, tenant);
        var expiresIn = (int)Math.Floor((token.ExpiresAt - clock.GetUtcNow()).TotalSeconds);
        return new TokenResponse(token.AccessToken, "Bearer", expiresIn, tenant?.Identifier);
    }

    /// <summary>Public by metadata (neither tenant nor platform), so it only needs a valid token of either kind.</summary>
    public static Results<Ok<MeResponse>, UnauthorizedHttpResult> Me(ClaimsPrincipal user, HttpContext http, ITenantContextAccessor tenants) =>
        TokenIssuer.SubjectOf(user) is { } id
            ? TypedResults.Ok(new MeResponse(
                id,
                user.FindFirstValue("email"),
                user.FindFirstValue(TenancyClaims.Tenant),
                http.Features.Get<TenantMembershipFeature>()?.Role.ToString().ToLowerInvariant(),
                TenancyClaims.IsPlatformAdmin(user)))
            : TypedResults.Unauthorized();
}
