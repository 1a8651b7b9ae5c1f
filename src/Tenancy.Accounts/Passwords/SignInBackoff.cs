namespace Tenancy.Accounts.Passwords;

/// <summary>
/// Failed sign-ins counted under one key (a hash of the tenant or platform, the e-mail and, for the per-address
/// count, the client's address), for e-mails with and without an account alike: the back-off says nothing about
/// whether an account exists. Table <c>accounts.sign_in_backoffs</c>; no e-mail or address is stored in clear.
/// </summary>
public sealed class SignInBackoff
{
    public required byte[] Key { get; set; }

    /// <summary>Failures in a row under this key, counted again from one after <see cref="AccountsOptions.SignInBackoffReset"/> without one.</summary>
    public int Failures { get; set; }

    /// <summary>Until then every attempt under this key fails, the right password included.</summary>
    public DateTimeOffset? BlockedUntil { get; set; }

    public DateTimeOffset LastFailureAt { get; set; }
}
