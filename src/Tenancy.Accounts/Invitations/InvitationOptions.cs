using System.ComponentModel.DataAnnotations;

namespace Tenancy.Accounts.Invitations;

/// <summary><c>Tenancy:Invitations</c>.</summary>
public sealed class InvitationOptions
{
    public const string SectionName = "Tenancy:Invitations";

    /// <summary>How long a token can be accepted; short, since it travels by e-mail.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The invitee's link, with <c>{host}</c> and <c>{token}</c> filled in; a front end would serve the page behind it.</summary>
    [Required]
    public string AcceptUrl { get; set; } = "https://{host}/invitations/accept?token={token}";
}
