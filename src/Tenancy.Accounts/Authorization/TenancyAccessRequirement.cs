using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Tenancy.Accounts.Tokens;
using Tenancy.Accounts.Users;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Context;

namespace Tenancy.Accounts.Authorization;

/// <summary>
/// Who may call an endpoint follows from whom it serves (<see cref="TenantRequirement"/> metadata): tenant endpoints
/// need a token issued for the request's tenant and a current membership (members read, admins write); platform
/// endpoints need a platform admin's token; endpoints that declare neither are public.
/// </summary>
public sealed class TenancyAccessRequirement : IAuthorizationRequirement
{
    public static readonly TenancyAccessRequirement Instance = new();

    private TenancyAccessRequirement()
    {
    }
}

/// <summary>The caller's role in the request's tenant, once authorized.</summary>
public sealed record TenantMembershipFeature(Guid UserId, TenantRole Role);

internal sealed class TenancyAccessHandler(ITenantContextAccessor tenants, MembershipLookup memberships)
    : AuthorizationHandler<TenancyAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, TenancyAccessRequirement requirement)
    {
        if (context.Resource is not HttpContext http)
        {
            return;
        }

        var serves = http.GetEndpoint()?.Metadata.GetMetadata<TenantRequirement>();
        if (serves is null)
        {
            context.Succeed(requirement);
            return;
        }

        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var isPlatformAdmin = TenancyClaims.IsPlatformAdmin(user);
        if (ReferenceEquals(serves, TenantRequirement.Platform))
        {
            if (isPlatformAdmin)
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, "A tenant's token is not valid on the platform: sign in as a platform admin."));
            }

            return;
        }

        var tenant = tenants.Current;
        if (tenant is null || isPlatformAdmin || TokenIssuer.SubjectOf(user) is not { } userId)
        {
            context.Fail(new AuthorizationFailureReason(this, "A platform admin's token is not valid on a tenant's host: sign in to the tenant."));
            return;
        }

        if (user.FindFirst(TenancyClaims.TenantId)?.Value != tenant.Id.ToString())
        {
            context.Fail(new AuthorizationFailureReason(this, $"The token was issued for another tenant, not '{tenant.Identifier}'."));
            return;
        }

        if (await memberships.FindRoleAsync(tenant, userId, http.RequestAborted) is not { } role)
        {
            context.Fail(new AuthorizationFailureReason(this, $"The user is no longer a member of '{tenant.Identifier}'."));
            return;
        }

        var needed = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? TenantRole.Member : TenantRole.Admin;
        if (role < needed)
        {
            context.Fail(new AuthorizationFailureReason(this, $"This needs the '{needed.ToString().ToLowerInvariant()}' role; the user is a '{role.ToString().ToLowerInvariant()}'."));
            return;
        }

        http.Features.Set(new TenantMembershipFeature(userId, role));
        context.Succeed(requirement);
    }
}
