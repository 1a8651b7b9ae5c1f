namespace Tenancy.Accounts.Invitations;

/// <summary>
/// The message that carries an invitation's token to its invitee: what a mail sender works from, written in the
/// transaction that creates the invitation, so no invitation exists whose token went nowhere. The only place the
/// token is kept in clear, as it would be in the invitee's mailbox; the inviting admin never sees it.
/// </summary>
public sealed class InvitationMessage
{
    public Guid Id { get; set; }

    public Guid InvitationId { get; set; }

    public Guid TenantId { get; set; }

    public required string Recipient { get; set; }

    public required string Subject { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
