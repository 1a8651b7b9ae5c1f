using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Security;

/// <summary>Hand-made JWTs (HS256 or unsigned), to present tokens the Api never issued.</summary>
public static class TestTokens
{
    public static string Sign(byte[] key, string? keyId, Dictionary<string, object> claims, string algorithm = "HS256")
    {
        var header = new Dictionary<string, object> { ["alg"] = algorithm, ["typ"] = "JWT" };
        if (keyId is not null)
        {
            header["kid"] = keyId;
        }

        var unsigned = $"{Encode(JsonSerializer.SerializeToUtf8Bytes(header))}.{Encode(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        return algorithm == "none" ? unsigned + "." : $"{unsigned}.{Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)))}";
    }

    /// <summary>The claims of a tenant token as the Api issues them, valid for 10 minutes from now.</summary>
    /// <param name="securityStamp">The user's current stamp (read from a token the Api issued): without it the token is refused.</param>
    public static Dictionary<string, object> TenantClaims(Guid userId, Guid tenantId, string tenant, DateTimeOffset? now = null, string? securityStamp = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = "tenancy",
            ["aud"] = "tenancy-tenant",
            ["sub"] = userId.ToString(),
            ["tid"] = tenantId.ToString(),
            ["tenant"] = tenant,
            ["email"] = $"forged@{tenant}.example",
            ["iat"] = at.ToUnixTimeSeconds(),
            ["nbf"] = at.ToUnixTimeSeconds(),
            ["exp"] = at.AddMinutes(10).ToUnixTimeSeconds(),
        };
        if (securityStamp is not null)
        {
            claims["sst"] = securityStamp;
        }

        return claims;
    }

    /// <summary>The claims of a token as issued, read back (the payload is not encrypted).</summary>
    public static JsonElement ReadClaims(string token) =>
        JsonSerializer.Deserialize<JsonElement>(Decode(token.Split('.')[1]));

    public static JsonElement ReadHeader(string token) =>
        JsonSerializer.Deserialize<JsonElement>(Decode(token.Split('.')[0]));

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string part)
    {
        var padded = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }
}
