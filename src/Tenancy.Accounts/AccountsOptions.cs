namespace Tenancy.Accounts;

/// <summary><c>Tenancy:Auth</c>: tokens, lockout and sign-in rate limits.</summary>
public sealed class AccountsOptions
{
    public const string SectionName = "Tenancy:Auth";

    /// <summary>Key id → base64 HMAC-SHA256 key material (at least 32 bytes). Every listed key validates.</summary>
    public Dictionary<string, string> SigningKeys { get; set; } = [];

    /// <summary>The key id that signs new tokens.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>
    /// Development only, when no signing key is configured: where the generated key is kept (outside the repository).
    /// Default: <c>~/.local/share/tenancy/secrets/jwt-signing.key</c>.
    /// </summary>
    public string? DevelopmentKeyFile { get; set; }

    /// <summary>Short, so that a leaked token is worth little; memberships are checked on every request anyway.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sign-in attempts allowed per tenant (or the platform) and client address in each window.</summary>
    public int SignInPermitLimit { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    public int MinimumPasswordLength { get; set; } = 12;
}
