using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Tenancy.Accounts.Authorization;

/// <summary>A 403 says why, as RFC 7807 problem details (the default handler sends an empty body).</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var reasons = authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message).ToList() ?? [];
        await ProblemResponse.WriteAsync(
            context, StatusCodes.Status403Forbidden, "Forbidden", reasons.Count > 0 ? string.Join(" ", reasons) : "The signed-in user may not do this.");
    }
}
