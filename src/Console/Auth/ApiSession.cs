using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Tenancy.Console.Auth;

/// <param name="Tenant">The tenant the token opens; null for a platform admin.</param>
public sealed record SignedInUser(string Email, string AccessToken, string? Tenant, bool IsPlatformAdmin)
{
    public static SignedInUser? From(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirstValue(ConsoleClaims.AccessToken) is { } token
            ? new SignedInUser(user.FindFirstValue(ClaimTypes.Name) ?? "", token, user.FindFirstValue(ConsoleClaims.Tenant), user.FindFirstValue(ConsoleClaims.Platform) == "true")
            : null;
}

/// <summary>
/// The signed-in user of this request or circuit (from the sign-in cookie, read when the circuit starts), whose
/// token every Api call carries: the Api's authorization decides, never the console.
/// </summary>
public sealed class ApiSession(AuthenticationStateProvider authentication)
{
    public async Task<SignedInUser?> GetUserAsync() => SignedInUser.From((await authentication.GetAuthenticationStateAsync()).User);
}
