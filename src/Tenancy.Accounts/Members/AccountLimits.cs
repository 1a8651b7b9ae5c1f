namespace Tenancy.Accounts.Members;

/// <summary>The plan limits (<c>Tenancy:Plans:{plan}:{limit}</c>) that Tenancy.Accounts enforces.</summary>
public static class AccountLimits
{
    /// <summary>The most members a tenant may have, invitations pending included; unset: unlimited.</summary>
    public const string Users = "users";
}
