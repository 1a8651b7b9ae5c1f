using Hangfire.States;

namespace Tenancy.Jobs;

/// <summary>
/// The queues, in the order workers take from them. A tenant that enqueues more than its burst allowance has the rest
/// of its jobs put on <see cref="Bulk"/>, behind everyone else's <see cref="Default"/> work.
/// </summary>
public static class TenantJobQueues
{
    public const string Default = EnqueuedState.DefaultQueue;

    public const string Bulk = "bulk";

    public static readonly string[] All = [Default, Bulk];
}
