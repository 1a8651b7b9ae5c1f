using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Accounts.Users;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Passwords;

public enum SignInOutcome
{
    Succeeded,

    /// <summary>Unknown e-mail, wrong password, not a member of the tenant, or backed off: the caller is told nothing more.</summary>
    Failed,
}

public sealed record SignInResult(SignInOutcome Outcome, Guid? Id = null, string? Email = null);

/// <summary>
/// Checks a password with ASP.NET Core Identity's hasher, behind a back-off instead of a lockout: failures are counted
/// per account and client address, and per account over all addresses (<see cref="SignInBackoff"/>); past the free
/// ones that key waits, doubling, and meanwhile every attempt under it fails. So an attacker hammering an account
/// from one address holds back only that address, and its owner signs in from theirs. Every attempt costs the same
/// work whatever the reason it fails (a hash verification, against a dummy hash when there is no account, and the
/// same statements), so neither the answer nor its time tells whether an account exists or waits.
/// </summary>
public sealed class SignInService(AccountsDbContext db, IPasswordHasher<ICredentialHolder> hasher, IOptions<AccountsOptions> options, TimeProvider clock)
{
    // Compared against when the account does not exist, so a miss takes as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<ICredentialHolder>().HashPassword(null!, Guid.NewGuid().ToString()));

    /// <param name="clientAddress">From <see cref="Authorization.ClientAddress"/>.</param>
    public async Task<SignInResult> SignInTenantUserAsync(TenantInfo tenant, string email, string password, string clientAddress, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        var user = normalized is null
            ? null
            : await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized && u.Memberships.Any(m => m.TenantId == tenant.Id), cancellationToken);
        return await CheckAsync(user, tenant.Id.ToString(), normalized, password, clientAddress, cancellationToken);
    }

    public async Task<SignInResult> SignInPlatformAdminAsync(string email, string password, string clientAddress, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        var admin = normalized is null ? null : await db.PlatformAdmins.FirstOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
        return await CheckAsync(admin, "platform", normalized, password, clientAddress, cancellationToken);
    }

    /// <summary>The key a failure is counted under; only its hash is stored.</summary>
    internal static byte[] KeyOf(string scope, string? normalizedEmail, string? clientAddress) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{scope}\n{normalizedEmail}\n{clientAddress ?? "*"}"));

    /// <summary>No stored address is longer or holds a NUL (which PostgreSQL text cannot hold): such input matches no account.</summary>
    private static string? Normalize(string email) =>
        email.Length <= 320 && !email.Contains('\0', StringComparison.Ordinal) ? AccountsDbContext.Normalize(email) : null;

    private async Task<SignInResult> CheckAsync(ICredentialHolder? holder, string scope, string? normalizedEmail, string password, string clientAddress, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var (perAddress, perAccount) = (KeyOf(scope, normalizedEmail, clientAddress), KeyOf(scope, normalizedEmail, null));
        var backedOff = await db.SignInBackoffs.AnyAsync(b => (b.Key == perAddress || b.Key == perAccount) && b.BlockedUntil > now, cancellationToken);

        var verdict = hasher.VerifyHashedPassword(holder!, holder?.PasswordHash ?? DummyHash.Value, password);
        if (holder?.PasswordHash is not { } hash || verdict == PasswordVerificationResult.Failed || backedOff)
        {
            await CountFailureAsync(perAddress, new BackoffPolicy(settings.SignInFreeFailuresPerAddress, settings.SignInFirstBackoff, settings.SignInMaxBackoffPerAddress), now, cancellationToken);
            await CountFailureAsync(perAccount, new BackoffPolicy(settings.SignInFreeFailuresPerAccount, settings.SignInFirstBackoff, settings.SignInMaxBackoffPerAccount), now, cancellationToken);
            return new SignInResult(SignInOutcome.Failed);
        }

        await db.SignInBackoffs.Where(b => b.Key == perAddress || b.Key == perAccount).ExecuteDeleteAsync(cancellationToken);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var newHash = hasher.HashPassword(holder, password);
            await (holder is PlatformAdmin
                ? db.PlatformAdmins.Where(a => a.Id == holder.Id && a.PasswordHash == hash).ExecuteUpdateAsync(u => u.SetProperty(a => a.PasswordHash, newHash), cancellationToken)
                : db.Users.Where(u => u.Id == holder.Id && u.PasswordHash == hash).ExecuteUpdateAsync(u => u.SetProperty(x => x.PasswordHash, newHash), cancellationToken));
        }

        return new SignInResult(SignInOutcome.Succeeded, holder.Id, holder.Email);
    }

    /// <summary>One statement counts the failure, so parallel guesses all count; a second sets the wait once past the free ones.</summary>
    private async Task CountFailureAsync(byte[] key, BackoffPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var resetBefore = now - options.Value.SignInBackoffReset;
        var failures = (await db.Database.SqlQuery<int>($"""
            INSERT INTO accounts.sign_in_backoffs AS b (key, failures, last_failure_at) VALUES ({key}, 1, {now})
            ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN b.last_failure_at < {resetBefore} THEN 1 ELSE b.failures + 1 END,
                blocked_until = CASE WHEN b.last_failure_at < {resetBefore} THEN NULL ELSE b.blocked_until END,
                last_failure_at = {now}
            RETURNING failures AS "Value"
            """).ToListAsync(cancellationToken))[0];
        if (policy.WaitAfter(failures) is { } wait)
        {
            var until = now + wait;
            await db.SignInBackoffs.Where(b => b.Key == key && (b.BlockedUntil == null || b.BlockedUntil < until))
                .ExecuteUpdateAsync(u => u.SetProperty(b => b.BlockedUntil, until), cancellationToken);
        }
    }
}
