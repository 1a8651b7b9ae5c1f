namespace Tenancy.Accounts.Users;

/// <summary>What a user may do in one tenant. Ordered: each role can do what the ones before it can.</summary>
public enum TenantRole
{
    /// <summary>Reads the tenant's data.</summary>
    Member = 0,

    /// <summary>Also writes it, and manages members (not owners).</summary>
    Admin = 1,

    /// <summary>Also manages owners.</summary>
    Owner = 2,
}
