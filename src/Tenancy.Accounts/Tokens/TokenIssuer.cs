using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Tokens;

public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>Issues short-lived JWTs signed with the active key (its id in the header).</summary>
public sealed class TokenIssuer(SigningKeys keys, IOptions<AccountsOptions> options, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <param name="securityStamp">The user's current stamp (<see cref="SecurityStamps"/>).</param>
    public IssuedToken ForTenantUser(Guid userId, string email, Guid securityStamp, TenantInfo tenant) =>
        Issue(TenancyClaims.TenantAudience, userId, email, securityStamp, new Dictionary<string, object>
        {
            [TenancyClaims.TenantId] = tenant.Id.ToString(),
            [TenancyClaims.Tenant] = tenant.Identifier,
        });

    public IssuedToken ForPlatformAdmin(Guid adminId, string email, Guid securityStamp) =>
        Issue(TenancyClaims.PlatformAudience, adminId, email, securityStamp, new Dictionary<string, object> { [TenancyClaims.Platform] = TenancyClaims.PlatformAdmin });

    private IssuedToken Issue(string audience, Guid subject, string email, Guid securityStamp, Dictionary<string, object> claims)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        claims[JwtRegisteredClaimNames.Sub] = subject.ToString();
        claims[JwtRegisteredClaimNames.Email] = email;
        claims[JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N");
        claims[TenancyClaims.SecurityStamp] = securityStamp.ToString("N");
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TenancyClaims.Issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(keys.Active, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, expires);
    }

    /// <summary>What the JwtBearer handler checks: issuer, audience, lifetime, and an HMAC-SHA256 signature by a listed key.</summary>
    public static TokenValidationParameters ValidationParameters(SigningKeys keys) => new()
    {
        ValidIssuer = TenancyClaims.Issuer,
        ValidAudiences = [TenancyClaims.TenantAudience, TenancyClaims.PlatformAudience],
        IssuerSigningKeys = keys.Validation,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(5),
        NameClaimType = JwtRegisteredClaimNames.Email,
    };

    public static Guid? SubjectOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : null;
}
