namespace Tenancy.Accounts.Users;

/// <summary>A person who signs in to tenants. One user can belong to several tenants (<see cref="Membership"/>).</summary>
public sealed class User : ICredentialHolder
{
    public Guid Id { get; set; }

    public required string Email { get; set; }

    /// <summary>Upper-cased invariant form, unique: the sign-in name.</summary>
    public required string NormalizedEmail { get; set; }

    /// <summary>ASP.NET Core Identity's hash; null until an invited user sets a password.</summary>
    public string? PasswordHash { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>
    /// Carried in every token issued to them and checked per request: a new stamp (password change, sign-out) refuses
    /// every token issued before. Made by PostgreSQL on insert and on each renewal (<c>SecurityStamps</c>).
    /// </summary>
    public Guid SecurityStamp { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<Membership> Memberships { get; set; } = [];
}
