using Tenancy.Isolation;

namespace Tenancy.Jobs.Outbox;

/// <summary>
/// A job enqueued during a tenant's database work (<see cref="JobOutbox"/>), in the tenant's own store: it commits or
/// rolls back with that work, and its job runs only if it committed.
/// </summary>
public sealed class JobOutboxEntry : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>The Hangfire job made for this entry, before the entry's transaction commits.</summary>
    public required string JobId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the job first started; null until then.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }

    /// <summary>
    /// Written by the job itself when it found no entry: the transaction that enqueued it did not commit, so it must
    /// never run, and a late commit of that transaction can no longer happen (the id is taken).
    /// </summary>
    public bool Abandoned { get; set; }
}
