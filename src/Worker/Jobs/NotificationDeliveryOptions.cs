namespace Tenancy.Worker.Jobs;

/// <summary><c>Sales:Notifications</c>: where order confirmations go; the sample has no mail provider, so delivery only takes time.</summary>
public sealed class NotificationDeliveryOptions
{
    public const string SectionName = "Sales:Notifications";

    /// <summary>How long handing a message to the (absent) mail provider takes.</summary>
    public TimeSpan SimulatedSendLatency { get; set; } = TimeSpan.Zero;
}
