using Microsoft.AspNetCore.Identity;
using Tenancy.Accounts.Tokens;
using Tenancy.Accounts.Users;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Passwords;

public enum PasswordChangeOutcome
{
    Changed,

    /// <summary>The new password breaks the <see cref="PasswordRules"/>.</summary>
    Rejected,

    /// <summary>The current password is wrong, or failures backed off: the same answer as a failed sign-in.</summary>
    WrongPassword,
}

/// <param name="SecurityStamp">The new stamp (for the caller's fresh token), when changed.</param>
/// <param name="Error">Why the new password was rejected.</param>
public sealed record PasswordChangeResult(PasswordChangeOutcome Outcome, Guid? SecurityStamp = null, string? Error = null);

/// <summary>
/// A signed-in user (or platform admin) changes their password: the current one is checked as a sign-in is (failures
/// back off), the new one must pass the <see cref="PasswordRules"/>, and the stamp is renewed with it, so every token
/// issued before (a stolen one included) is refused on every instance.
/// </summary>
public sealed class PasswordChange(SignInService signIn, PasswordRules rules, IPasswordHasher<ICredentialHolder> hasher, SecurityStamps stamps)
{
    /// <param name="tenant">The tenant the caller's token was issued for, or null for a platform admin.</param>
    /// <param name="client">The caller's address (<see cref="Authorization.ClientAddress"/>): failures back off as a sign-in's do.</param>
    public async Task<PasswordChangeResult> ChangeAsync(
        TenantInfo? tenant, Guid id, string email, string currentPassword, string newPassword, string client, CancellationToken cancellationToken)
    {
        if (rules.Check(newPassword, email) is { } error)
        {
            return new PasswordChangeResult(PasswordChangeOutcome.Rejected, Error: error);
        }

        var check = tenant is null
            ? await signIn.SignInPlatformAdminAsync(email, currentPassword, client, cancellationToken)
            : await signIn.SignInTenantUserAsync(tenant, email, currentPassword, client, cancellationToken);
        if (check.Outcome != SignInOutcome.Succeeded || check.Id != id)
        {
            return new PasswordChangeResult(PasswordChangeOutcome.WrongPassword);
        }

        // The hasher (PBKDF2) does not use the holder it is given; the stamp and the hash change in one statement.
        var hash = hasher.HashPassword(null!, newPassword);
        return await stamps.RenewAsync(id, platformAdmin: tenant is null, hash, cancellationToken) is { } stamp
            ? new PasswordChangeResult(PasswordChangeOutcome.Changed, stamp)
            : new PasswordChangeResult(PasswordChangeOutcome.WrongPassword);
    }
}
