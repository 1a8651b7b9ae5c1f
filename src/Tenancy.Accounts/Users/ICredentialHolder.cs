namespace Tenancy.Accounts.Users;

/// <summary>What password checks and lockout need of a tenant user or a platform admin.</summary>
public interface ICredentialHolder
{
    Guid Id { get; }

    string Email { get; }

    string? PasswordHash { get; set; }

    int FailedSignIns { get; set; }

    DateTimeOffset? LockedUntil { get; set; }
}
