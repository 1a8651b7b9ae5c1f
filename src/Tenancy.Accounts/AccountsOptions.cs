using System.ComponentModel.DataAnnotations;
using Tenancy.Accounts.Passwords;

namespace Tenancy.Accounts;

/// <summary><c>Tenancy:Auth</c>: tokens, lockout and sign-in rate limits, validated at start.</summary>
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
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures in a row from one client address at one account before that address waits (the first wait).</summary>
    [Range(0, int.MaxValue)]
    public int SignInFreeFailuresPerAddress { get; set; } = 5;

    /// <summary>
    /// Failures in a row at one account from all addresses together before every address waits: only many addresses
    /// reach it, since each one alone is held back after <see cref="SignInFreeFailuresPerAddress"/>.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int SignInFreeFailuresPerAccount { get; set; } = 50;

    /// <summary>
    /// The first wait; each further failure doubles it, up to <see cref="SignInMaxBackoffPerAddress"/>. At most
    /// 10 minutes: <see cref="BackoffPolicy"/> doubles it up to 2^30 times, which past that overflows a TimeSpan.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan SignInFirstBackoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan SignInMaxBackoffPerAddress { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Short, since the whole account's wait holds its owner back too.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan SignInMaxBackoffPerAccount { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Without a failure for this long, a count starts again from zero.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan SignInBackoffReset { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in attempts allowed per tenant (or the platform) and client address in each window.</summary>
    [Range(1, int.MaxValue)]
    public int SignInPermitLimit { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Not below 8 (NIST SP 800-63B's floor), and not above what <see cref="PasswordRules"/> accepts at all.</summary>
    [Range(8, PasswordRules.MaximumLength)]
    public int MinimumPasswordLength { get; set; } = 12;
}
