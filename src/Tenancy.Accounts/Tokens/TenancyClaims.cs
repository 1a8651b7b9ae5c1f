using System.Security.Claims;

namespace Tenancy.Accounts.Tokens;

/// <summary>The claims Tenancy's tokens carry.</summary>
public static class TenancyClaims
{
    public const string Issuer = "tenancy";

    /// <summary>Audience of a token for one tenant's hosts.</summary>
    public const string TenantAudience = "tenancy-tenant";

    /// <summary>Audience of a platform admin's token, for the platform host.</summary>
    public const string PlatformAudience = "tenancy-platform";

    /// <summary>The id of the tenant a tenant token was issued for.</summary>
    public const string TenantId = "tid";

    /// <summary>The identifier of that tenant (informational; <see cref="TenantId"/> is what is checked).</summary>
    public const string Tenant = "tenant";

    /// <summary>Present (value <see cref="PlatformAdmin"/>) on platform admins' tokens only.</summary>
    public const string Platform = "platform";

    public const string PlatformAdmin = "admin";

    /// <summary>The holder's security stamp at issue (<see cref="SecurityStamps"/>): the token is refused once it is renewed.</summary>
    public const string SecurityStamp = "sst";

    public static bool IsPlatformAdmin(ClaimsPrincipal user) => user.HasClaim(Platform, PlatformAdmin);
}
