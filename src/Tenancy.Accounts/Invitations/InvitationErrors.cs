namespace Tenancy.Accounts.Invitations;

/// <summary>
/// One answer for a token that is unknown, used, revoked, expired, or another tenant's, so a guess learns nothing.
/// </summary>
public sealed class InvitationInvalidException()
    : Exception("The invitation is not valid here: it is unknown, already accepted, revoked or expired, or it is for another tenant.");

/// <summary>No pending invitation with that id in this tenant.</summary>
public sealed class InvitationNotFoundException(Guid id) : Exception($"There is no pending invitation '{id}' in this tenant.");
