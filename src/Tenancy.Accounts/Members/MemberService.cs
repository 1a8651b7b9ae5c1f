using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Users;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Members;

public sealed record MemberView(Guid UserId, string Email, TenantRole Role, DateTimeOffset CreatedAt);

/// <summary>
/// A tenant's memberships: add (a new user, or an existing user of another tenant), change role, remove. Every change
/// drops the tenant's membership cache on every instance, so it takes effect on the next request.
/// </summary>
public sealed class MemberService(
    AccountsDbContext db,
    IPasswordHasher<ICredentialHolder> hasher,
    PasswordRules passwordRules,
    MembershipLookup memberships,
    TimeProvider clock)
{
    private static readonly EmailAddressAttribute EmailRule = new();

    /// <summary>Checks what can be checked without the database, so a tenant and its owner are refused together.</summary>
    public Dictionary<string, string[]> Validate(string? email, string? password, string prefix = "")
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsValidEmail(email))
        {
            errors[prefix + "email"] = ["A valid e-mail address (at most 320 characters) is required."];
        }

        // A password is needed for a new user only; an existing user keeps theirs. Checked here when given.
        if (password is not null && passwordRules.Check(password, email) is { } passwordError)
        {
            errors[prefix + "password"] = [passwordError];
        }

        return errors;
    }

    private static bool IsValidEmail(string? email) => !string.IsNullOrWhiteSpace(email) && email.Length <= 320 && EmailRule.IsValid(email);

    /// <summary>JSON carries enums as numbers too, so a role of 99 binds; it is refused here, before anything is stored.</summary>
    public static void EnsureDefined(TenantRole role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new MemberValidationException(new Dictionary<string, string[]>
            {
                ["role"] = [$"'{(int)role}' is not a role; use one of: {string.Join(", ", Enum.GetNames<TenantRole>().Select(n => n.ToLowerInvariant()))}."],
            });
        }
    }

    public Task<bool> UserExistsAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = AccountsDbContext.Normalize(email);
        return db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken);
    }

    /// <param name="actorRole">The caller's role: only owners add owners.</param>
    public async Task<MemberView> AddAsync(TenantInfo tenant, string? email, string? password, TenantRole role, TenantRole actorRole, CancellationToken cancellationToken)
    {
        EnsureDefined(role);
        if (role == TenantRole.Owner && actorRole != TenantRole.Owner)
        {
            throw new MemberConflictException("Only an owner can add an owner.");
        }

        if (Validate(email, password) is { Count: > 0 } errors)
        {
            throw new MemberValidationException(errors);
        }

        var normalized = AccountsDbContext.Normalize(email!);
        var now = clock.GetUtcNow();
        // An accepted invitation adds its member in the transaction that consumes it, so the two stand or fall together.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await LockMembersAsync(tenant, cancellationToken);
        var count = await db.Memberships.CountAsync(m => m.TenantId == tenant.Id, cancellationToken);
        if (tenant.Limits.Of(AccountLimits.Users) is { } max && count >= max)
        {
            throw new MemberLimitException(tenant.Plan, max, count, tenant.Identifier);
        }

        var user = await db.Users.Include(u => u.Memberships).FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (user is null)
        {
            if (password is null)
            {
                throw new MemberValidationException(new Dictionary<string, string[]> { ["password"] = ["A new user needs a password."] });
            }

            user = new User { Id = Guid.CreateVersion7(now), Email = email!.Trim(), NormalizedEmail = normalized, CreatedAt = now };
            user.PasswordHash = hasher.HashPassword(user, password);
            db.Users.Add(user);
        }
        else if (user.Memberships.Any(m => m.TenantId == tenant.Id))
        {
            throw new MemberConflictException($"'{user.Email}' is already a member of this tenant.");
        }

        var membership = new Membership { UserId = user.Id, TenantId = tenant.Id, Role = role, CreatedAt = now };
        db.Memberships.Add(membership);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            throw new MemberConflictException($"'{email}' was added by another request at the same time.");
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            await memberships.InvalidateAsync(tenant);
        }

        return new MemberView(user.Id, user.Email, role, now);
    }

    public Task<List<MemberView>> ListAsync(TenantInfo tenant, CancellationToken cancellationToken) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.TenantId == tenant.Id)
            .OrderBy(m => m.User!.NormalizedEmail)
            .Select(m => new MemberView(m.UserId, m.User!.Email, m.Role, m.CreatedAt))
            .ToListAsync(cancellationToken);

    /// <param name="actorRole">The caller's role: only owners manage owners.</param>
    public async Task<MemberView> ChangeRoleAsync(TenantInfo tenant, Guid userId, TenantRole role, TenantRole actorRole, CancellationToken cancellationToken)
    {
        EnsureDefined(role);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var membership = await FindForChangeAsync(tenant, userId, actorRole, cancellationToken);
        if (role == TenantRole.Owner && actorRole != TenantRole.Owner)
        {
            throw new MemberConflictException("Only an owner can make another owner.");
        }

        await EnsureAnotherOwnerAsync(tenant, membership, role, cancellationToken);
        membership.Role = role;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await memberships.InvalidateAsync(tenant);
        return new MemberView(membership.UserId, membership.User!.Email, membership.Role, membership.CreatedAt);
    }

    public async Task RemoveAsync(TenantInfo tenant, Guid userId, TenantRole actorRole, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var membership = await FindForChangeAsync(tenant, userId, actorRole, cancellationToken);
        await EnsureAnotherOwnerAsync(tenant, membership, newRole: null, cancellationToken);
        db.Memberships.Remove(membership);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await memberships.InvalidateAsync(tenant);
    }

    /// <summary>Changes to one tenant's members run one after another, so the plan limit and the last owner hold.</summary>
    private Task LockMembersAsync(TenantInfo tenant, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"members:" + tenant.Id}, 0))", cancellationToken);

    private async Task<Membership> FindForChangeAsync(TenantInfo tenant, Guid userId, TenantRole actorRole, CancellationToken cancellationToken)
    {
        await LockMembersAsync(tenant, cancellationToken);
        var membership = await db.Memberships.Include(m => m.User).FirstOrDefaultAsync(m => m.TenantId == tenant.Id && m.UserId == userId, cancellationToken)
            ?? throw new MemberNotFoundException(userId);
        return membership.Role == TenantRole.Owner && actorRole != TenantRole.Owner
            ? throw new MemberConflictException("Only an owner can change or remove an owner.")
            : membership;
    }

    private async Task EnsureAnotherOwnerAsync(TenantInfo tenant, Membership membership, TenantRole? newRole, CancellationToken cancellationToken)
    {
        if (membership.Role == TenantRole.Owner && newRole != TenantRole.Owner
            && !await db.Memberships.AnyAsync(m => m.TenantId == tenant.Id && m.Role == TenantRole.Owner && m.UserId != membership.UserId, cancellationToken))
        {
            throw new MemberConflictException("A tenant keeps at least one owner.");
        }
    }
}
