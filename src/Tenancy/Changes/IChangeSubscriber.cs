namespace Tenancy.Changes;

/// <summary>
/// Something held in memory that a PostgreSQL NOTIFY on <see cref="Channel"/> can make stale (sent by a trigger, so
/// changes made by the CLI or by hand count too). The <see cref="ChangeListener"/> tells it of each change, and of
/// whether it can hear them at all: while it cannot, nothing may be kept.
/// </summary>
public interface IChangeSubscriber
{
    string Channel { get; }

    /// <summary>True once LISTEN is in place (everything before it may have been missed), false when the connection is lost.</summary>
    void OnListening(bool listening);

    /// <param name="payload">What the trigger sent: the subscriber decides what it names.</param>
    void OnChanged(string payload);
}
