namespace Tenancy.Jobs;

public enum TenantJobRejection
{
    /// <summary>A tenant job was enqueued without a current tenant.</summary>
    MissingTenant,

    /// <summary>The job's tenant parameters are partial, malformed, or name two different tenants.</summary>
    ConflictingTenant,

    /// <summary>No such tenant (anymore).</summary>
    UnknownTenant,

    TenantSuspended,

    TenantDeleted,

    /// <summary>An outbox job whose transaction did not commit (see <c>JobOutbox</c>): what it was for never happened.</summary>
    NotCommitted,
}

/// <summary>
/// A job that must not run for the tenant it carries. Never retried: the job ends in a final state that says why
/// (deleted for a suspended, deleted or unknown tenant or an outbox job whose transaction rolled back; failed for a job with no or conflicting tenant).
/// </summary>
public sealed class TenantJobRejectedException(TenantJobRejection rejection, string message) : Exception(message)
{
    public TenantJobRejection Rejection { get; } = rejection;

    /// <summary>Whether the job's tenant is gone or paused (as opposed to the job itself being wrong).</summary>
    public bool TenantUnavailable => Rejection is TenantJobRejection.UnknownTenant or TenantJobRejection.TenantSuspended or TenantJobRejection.TenantDeleted;

    /// <summary>Whether the job ends deleted (nothing left to do) rather than failed (the job itself is wrong).</summary>
    public bool EndsDeleted => TenantUnavailable || Rejection == TenantJobRejection.NotCommitted;

    public static TenantJobRejectedException? Find(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is TenantJobRejectedException rejected)
            {
                return rejected;
            }
        }

        return null;
    }
}
