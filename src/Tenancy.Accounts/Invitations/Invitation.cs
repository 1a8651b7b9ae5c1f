using Tenancy.Accounts.Users;

namespace Tenancy.Accounts.Invitations;

/// <summary>
/// An offer to join a tenant with a role, made to an e-mail address. The person joins only by accepting it with the
/// one-time token sent to that address; only the token's SHA-256 is kept. Pending while neither accepted, revoked
/// nor expired.
/// </summary>
public sealed class Invitation
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Email { get; set; }

    public required string NormalizedEmail { get; set; }

    public TenantRole Role { get; set; }

    public required byte[] TokenHash { get; set; }

    /// <summary>The member who invited; an admin or an owner of the tenant.</summary>
    public Guid InvitedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
