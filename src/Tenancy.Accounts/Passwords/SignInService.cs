using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Accounts.Users;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Passwords;

public enum SignInOutcome
{
    Succeeded,

    /// <summary>Unknown e-mail, wrong password, or not a member of the tenant: the caller is told nothing more.</summary>
    Failed,

    LockedOut,
}

public sealed record SignInResult(SignInOutcome Outcome, Guid? Id = null, string? Email = null);

/// <summary>
/// Checks a password with ASP.NET Core Identity's hasher and keeps the lockout counters: after
/// <see cref="AccountsOptions.MaxFailedSignIns"/> failures in a row the account is locked for
/// <see cref="AccountsOptions.LockoutDuration"/>. Counters change in single UPDATEs, so parallel guesses all count.
/// </summary>
public sealed class SignInService(AccountsDbContext db, IPasswordHasher<ICredentialHolder> hasher, IOptions<AccountsOptions> options, TimeProvider clock)
{
    // Compared against when the account does not exist, so a miss takes as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<ICredentialHolder>().HashPassword(null!, Guid.NewGuid().ToString()));

    public async Task<SignInResult> SignInTenantUserAsync(TenantInfo tenant, string email, string password, CancellationToken cancellationToken)
    {
        if (!Storable(email))
        {
            return Refuse(password);
        }

        var normalized = AccountsDbContext.Normalize(email);
        var user = await db.Users.FirstOrDefaultAsync(
            u => u.NormalizedEmail == normalized && u.Memberships.Any(m => m.TenantId == tenant.Id), cancellationToken);
        return await CheckAsync(user, db.Users, password, cancellationToken);
    }

    public async Task<SignInResult> SignInPlatformAdminAsync(string email, string password, CancellationToken cancellationToken)
    {
        if (!Storable(email))
        {
            return Refuse(password);
        }

        var normalized = AccountsDbContext.Normalize(email);
        var admin = await db.PlatformAdmins.FirstOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
        return await CheckAsync(admin, db.PlatformAdmins, password, cancellationToken);
    }

    /// <summary>No stored address is longer or holds a NUL (which PostgreSQL text cannot hold): such input matches no account.</summary>
    private static bool Storable(string email) => email.Length <= 320 && !email.Contains('\0', StringComparison.Ordinal);

    private SignInResult Refuse(string password)
    {
        hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
        return new SignInResult(SignInOutcome.Failed);
    }

    private async Task<SignInResult> CheckAsync<T>(T? holder, DbSet<T> set, string password, CancellationToken cancellationToken)
        where T : class, ICredentialHolder
    {
        if (holder?.PasswordHash is not { } hash)
        {
            return Refuse(password);
        }

        var now = clock.GetUtcNow();
        if (holder.LockedUntil > now)
        {
            return new SignInResult(SignInOutcome.LockedOut);
        }

        var verdict = hasher.VerifyHashedPassword(holder, hash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var max = options.Value.MaxFailedSignIns;
            var lockedUntil = now + options.Value.LockoutDuration;
            await set.Where(h => h.Id == holder.Id).ExecuteUpdateAsync(
                update => update
                    .SetProperty(h => h.FailedSignIns, h => h.FailedSignIns + 1 >= max ? 0 : h.FailedSignIns + 1)
                    .SetProperty(h => h.LockedUntil, h => h.FailedSignIns + 1 >= max ? lockedUntil : h.LockedUntil),
                cancellationToken);
            return new SignInResult(SignInOutcome.Failed);
        }

        var newHash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(holder, password) : hash;
        if (holder.FailedSignIns != 0 || holder.LockedUntil is not null || newHash != hash)
        {
            await set.Where(h => h.Id == holder.Id).ExecuteUpdateAsync(
                update => update
                    .SetProperty(h => h.FailedSignIns, 0)
                    .SetProperty(h => h.LockedUntil, (DateTimeOffset?)null)
                    .SetProperty(h => h.PasswordHash, newHash),
                cancellationToken);
        }

        return new SignInResult(SignInOutcome.Succeeded, holder.Id, holder.Email);
    }
}
