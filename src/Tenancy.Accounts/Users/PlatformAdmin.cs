namespace Tenancy.Accounts.Users;

/// <summary>Runs the platform (the admin API, the jobs dashboard); separate from tenant users, with no tenant data access.</summary>
public sealed class PlatformAdmin : ICredentialHolder
{
    public Guid Id { get; set; }

    public required string Email { get; set; }

    public required string NormalizedEmail { get; set; }

    public string? PasswordHash { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>
    /// Carried in every token issued to them and checked per request: a new stamp (password change, sign-out) refuses
    /// every token issued before. Made by PostgreSQL on insert and on each renewal (<c>SecurityStamps</c>).
    /// </summary>
    public Guid SecurityStamp { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
