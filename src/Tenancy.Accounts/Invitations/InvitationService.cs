using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Members;
using Tenancy.Accounts.Users;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Invitations;

/// <summary>What the inviting admin sees: never the token, never whether the address already has an account.</summary>
public sealed record InvitationView(Guid Id, string Email, TenantRole Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

public sealed record AcceptedInvitation(Guid UserId, string Email, string Tenant, TenantRole Role);

/// <summary>
/// Adding a member by e-mail: an invitation whose token goes to that address only (<see cref="InvitationMessage"/>),
/// answered alike whether the address has an account (in any tenant) or not. The person joins, as an existing user or
/// as a new one with the password they choose, only by accepting it on the tenant's host.
/// </summary>
public sealed partial class InvitationService(
    AccountsDbContext db,
    MemberService members,
    MembershipLookup memberships,
    IOptions<InvitationOptions> options,
    TimeProvider clock,
    ILogger<InvitationService> logger)
{
    /// <param name="host">The tenant's host the invitation was made on, which the invitee's link names.</param>
    public async Task<InvitationView> InviteAsync(
        TenantInfo tenant, string? email, TenantRole role, TenantRole actorRole, Guid actorId, string host, CancellationToken cancellationToken)
    {
        MemberService.EnsureDefined(role);
        if (role == TenantRole.Owner && actorRole != TenantRole.Owner)
        {
            throw new MemberConflictException("Only an owner can invite an owner.");
        }

        if (members.Validate(email, password: null) is { Count: > 0 } errors)
        {
            throw new MemberValidationException(errors);
        }

        var normalized = AccountsDbContext.Normalize(email!);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Refused here only for what the admin sees anyway: this tenant's own members and its plan.
        if (await db.Memberships.AnyAsync(m => m.TenantId == tenant.Id && m.User!.NormalizedEmail == normalized, cancellationToken))
        {
            throw new MemberConflictException($"'{email!.Trim()}' is already a member of this tenant.");
        }

        var count = await db.Memberships.CountAsync(m => m.TenantId == tenant.Id, cancellationToken);
        if (tenant.Limits.Of(AccountLimits.Users) is { } max && count >= max)
        {
            throw new MemberLimitException(tenant.Plan, max, count, tenant.Identifier);
        }

        // Inviting the same address again replaces the pending invitation: one live token per address and tenant.
        await Pending(tenant, now).Where(i => i.NormalizedEmail == normalized)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.RevokedAt, now), cancellationToken);

        var token = InvitationToken.New();
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenant.Id,
            Email = email!.Trim(),
            NormalizedEmail = normalized,
            Role = role,
            TokenHash = InvitationToken.Hash(token),
            InvitedBy = actorId,
            CreatedAt = now,
            ExpiresAt = now + options.Value.Lifetime,
        };
        db.Invitations.Add(invitation);
        db.InvitationMessages.Add(Message(tenant, invitation, token, host));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogInvited(invitation.Id, role);
        return View(invitation);
    }

    public Task<List<InvitationView>> ListPendingAsync(TenantInfo tenant, CancellationToken cancellationToken) =>
        Pending(tenant, clock.GetUtcNow()).AsNoTracking()
            .OrderByDescending(i => i.CreatedAt)
            .Select(i => new InvitationView(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt))
            .ToListAsync(cancellationToken);

    /// <param name="actorRole">The caller's role: only owners revoke an owner's invitation, as only they make one.</param>
    public async Task RevokeAsync(TenantInfo tenant, Guid id, TenantRole actorRole, CancellationToken cancellationToken)
    {
        var invitation = await Pending(tenant, clock.GetUtcNow()).FirstOrDefaultAsync(i => i.Id == id, cancellationToken)
            ?? throw new InvitationNotFoundException(id);
        if (invitation.Role == TenantRole.Owner && actorRole != TenantRole.Owner)
        {
            throw new MemberConflictException("Only an owner can revoke an owner's invitation.");
        }

        invitation.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        LogRevoked(id);
    }

    /// <summary>
    /// Consumes the token and adds the membership in one transaction, the token's row locked meanwhile: a token works
    /// once, on its own tenant's host, before it expires. A new user's password must pass the password rules.
    /// </summary>
    public async Task<AcceptedInvitation> AcceptAsync(TenantInfo tenant, string? token, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            throw new InvitationInvalidException();
        }

        var hash = InvitationToken.Hash(token);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var found = await db.Invitations.FromSql($"SELECT * FROM accounts.invitations WHERE token_hash = {hash} FOR UPDATE").ToListAsync(cancellationToken);
        if (found is not [var invitation] || invitation.TenantId != tenant.Id || invitation.AcceptedAt is not null || invitation.RevokedAt is not null || invitation.ExpiresAt <= now)
        {
            throw new InvitationInvalidException();
        }

        // An existing user keeps their password; the invitee who is new chooses one now.
        var isNew = !await members.UserExistsAsync(invitation.Email, cancellationToken);
        // The inviter's right to give this role was checked when they invited.
        var member = await members.AddAsync(tenant, invitation.Email, isNew ? password : null, invitation.Role, actorRole: TenantRole.Owner, cancellationToken);
        invitation.AcceptedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await memberships.InvalidateAsync(tenant);
        LogAccepted(invitation.Id, isNew);
        return new AcceptedInvitation(member.UserId, member.Email, tenant.Identifier, member.Role);
    }

    private IQueryable<Invitation> Pending(TenantInfo tenant, DateTimeOffset now) =>
        db.Invitations.Where(i => i.TenantId == tenant.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now);

    private InvitationMessage Message(TenantInfo tenant, Invitation invitation, string token, string host)
    {
        var link = options.Value.AcceptUrl
            .Replace("{host}", host, StringComparison.Ordinal)
            .Replace("{token}", Uri.EscapeDataString(token), StringComparison.Ordinal);
        return new InvitationMessage
        {
            Id = Guid.CreateVersion7(invitation.CreatedAt),
            InvitationId = invitation.Id,
            TenantId = tenant.Id,
            Recipient = invitation.Email,
            Subject = $"You are invited to join {tenant.Name}",
            Body = $$"""
                You are invited to join {{tenant.Name}} as {{invitation.Role.ToString().ToLowerInvariant()}}.
                Accept by {{invitation.ExpiresAt:u}}: {{link}}
                (POST /api/invitations/accept on {{host}} with {"token":"{{token}}"}, and a password if you are new there.)
                """,
            CreatedAt = invitation.CreatedAt,
        };
    }

    private static InvitationView View(Invitation i) => new(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invitation {InvitationId} made, for the role {Role}")]
    private partial void LogInvited(Guid invitationId, TenantRole role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invitation {InvitationId} revoked")]
    private partial void LogRevoked(Guid invitationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invitation {InvitationId} accepted (new user: {NewUser})")]
    private partial void LogAccepted(Guid invitationId, bool newUser);
}
