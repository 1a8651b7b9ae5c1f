using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Tenancy.Console.Api;

namespace Tenancy.Console.Auth;

internal static class SignOutEndpoint
{
    /// <summary>
    /// A form post (antiforgery-checked, since it binds a form field): the Api revokes the user's tokens, then the
    /// cookie goes. A cookie alone would leave the token valid until it expires.
    /// </summary>
    public static IEndpointRouteBuilder MapSignOutEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/sign-out", async (HttpContext http, TenancyApi api, [FromForm] string? returnUrl, CancellationToken cancellationToken) =>
        {
            if (SignedInUser.From(http.User) is { } user)
            {
                // Revoked or expired already: signing out of the console is what is left to do.
                await api.SendAsync<object>(user, HttpMethod.Post, "/api/auth/sign-out", tenant: user.Tenant, cancellationToken: cancellationToken);
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/sign-in");
        }).RequireAuthorization();
        return app;
    }
}
