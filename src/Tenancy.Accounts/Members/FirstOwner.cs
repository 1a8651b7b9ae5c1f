using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Accounts.Users;
using Tenancy.Provisioning;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Members;

/// <summary>
/// The owner created with a tenant (<c>POST /api/tenants</c>, <c>tenancy tenants create</c>). Everything that can be
/// refused is checked before the tenant is provisioned; the owner is then written in the creation's own last
/// transaction (<see cref="ITenantCreationStep"/>), so a tenant never exists without it, whatever fails or is killed.
/// </summary>
public sealed class FirstOwner(MemberService members, IPasswordHasher<ICredentialHolder> hasher, TimeProvider clock)
{
    /// <summary>Per-field errors (named <paramref name="prefix"/>email, …password), empty when the owner can be added.</summary>
    public async Task<Dictionary<string, string[]>> ValidateAsync(string? email, string? password, string prefix, CancellationToken cancellationToken)
    {
        var errors = members.Validate(email, password, prefix);
        if (errors.Count == 0 && password is null && !await members.UserExistsAsync(email!, cancellationToken))
        {
            errors[prefix + "password"] = ["A new user needs a password."];
        }

        return errors;
    }

    /// <summary>The step that makes <paramref name="email"/> the new tenant's owner: a new user with <paramref name="password"/>, or an existing one as they are.</summary>
    public ITenantCreationStep For(string email, string? password) => new Step(hasher, clock, email.Trim(), password);

    private sealed class Step(IPasswordHasher<ICredentialHolder> hasher, TimeProvider clock, string email, string? password) : ITenantCreationStep
    {
        private readonly string _normalized = AccountsDbContext.Normalize(email);

        public async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, CancellationToken cancellationToken)
        {
            if (tenant.Limits.Of(AccountLimits.Users) is { } max and <= 0)
            {
                throw new MemberLimitException(tenant.Plan, max, 0, tenant.Identifier);
            }

            await using var db = AccountsDbContext.On(connection);
            await db.Database.UseTransactionAsync(transaction, cancellationToken);
            var now = clock.GetUtcNow();
            var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == _normalized, cancellationToken);
            if (user is null)
            {
                user = new User { Id = Guid.CreateVersion7(now), Email = email, NormalizedEmail = _normalized, CreatedAt = now };
                user.PasswordHash = hasher.HashPassword(user, password
                    ?? throw new MemberValidationException(new Dictionary<string, string[]> { ["password"] = ["A new user needs a password."] }));
                db.Users.Add(user);
            }

            // Whoever creates the tenant (a platform admin, the CLI's operator) gives it its owner.
            db.Memberships.Add(new Membership { UserId = user.Id, TenantId = tenant.Id, Role = TenantRole.Owner, CreatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                throw new MemberConflictException($"'{email}' was added by another request at the same time.");
            }
        }

        public async Task<bool> IsDoneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, CancellationToken cancellationToken)
        {
            await using var db = AccountsDbContext.On(connection);
            await db.Database.UseTransactionAsync(transaction, cancellationToken);
            return await db.Memberships.AnyAsync(
                m => m.TenantId == tenant.Id && m.Role == TenantRole.Owner && m.User!.NormalizedEmail == _normalized, cancellationToken);
        }
    }
}
