using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Tokens;
using Tenancy.Context;

namespace Tenancy.Api.Auth;

public sealed record TokenRequest(
    [property: Required, StringLength(320)] string Email,
    [property: Required, StringLength(PasswordRules.MaximumLength)] string Password);

/// <param name="Tenant">The tenant the token opens, or null for a platform admin's token.</param>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string? Tenant);

public sealed record MeResponse(Guid Id, string? Email, string? Tenant, string? Role, bool PlatformAdmin);

/// <summary>
/// Sign-in: on a tenant's host, a member of that tenant gets a token for that tenant only; on the platform host, a
/// platform admin gets a platform token. Rate limited per tenant and client address; repeated failures back off per
/// account and address (<see cref="SignInService"/>).
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
        return app;
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request, ITenantContextAccessor tenants, SignInService signIn, TokenIssuer issuer, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var tenant = tenants.Current;
        var client = ClientAddress.Of(http);
        var result = tenant is null
            ? await signIn.SignInPlatformAdminAsync(request.Email, request.Password, client, cancellationToken)
            : await signIn.SignInTenantUserAsync(tenant, request.Email, request.Password, client, cancellationToken);
        if (result.Outcome != SignInOutcome.Succeeded)
        {
            // Unknown user, wrong password, not a member, backed off: one answer, so it tells nothing about accounts.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Sign-in failed",
                detail: "The e-mail or password is wrong, or too many attempts failed; wait a little and try again.");
        }

        var token = tenant is null
            ? issuer.ForPlatformAdmin(result.Id!.Value, result.Email!)
            : issuer.ForTenantUser(result.Id!.Value, result.Email!, tenant);
        var expiresIn = (int)Math.Floor((token.ExpiresAt - clock.GetUtcNow()).TotalSeconds);
        return TypedResults.Ok(new TokenResponse(token.AccessToken, "Bearer", expiresIn, tenant?.Identifier));
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
