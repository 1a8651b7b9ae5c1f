using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Tenancy.Accounts.Invitations;

/// <summary>A one-time token: 256 random bits, base64url; stored only as its SHA-256, which is all a lookup needs.</summary>
public static class InvitationToken
{
    public static string New() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
