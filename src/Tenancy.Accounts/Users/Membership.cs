namespace Tenancy.Accounts.Users;

/// <summary>A user's role in one tenant. Without a membership a user's token opens nothing on that tenant.</summary>
public sealed class Membership
{
    public Guid UserId { get; set; }

    public Guid TenantId { get; set; }

    public TenantRole Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public User? User { get; set; }
}
