namespace Tenancy.Accounts.Startup;

/// <summary>
/// <c>Tenancy:Admin</c>: the platform admin the Api makes sure of as it starts (<see cref="AccountsStartup"/>). Unset,
/// the first start generates one and prints its password once.
/// </summary>
public sealed class PlatformAdminOptions
{
    public const string SectionName = "Tenancy:Admin";

    /// <summary>The admin's e-mail address; with it, <see cref="Password"/> is required.</summary>
    public string? Email { get; set; }

    /// <summary>Hashed as it is stored, and a changed one replaces the stored hash; never logged, never stored in clear.</summary>
    public string? Password { get; set; }

    internal bool IsConfigured => !string.IsNullOrWhiteSpace(Email);

    /// <summary>An email comes with its password, and is one.</summary>
    internal bool IsValid() => !IsConfigured || (!string.IsNullOrEmpty(Password) && Email!.Contains('@', StringComparison.Ordinal));
}
