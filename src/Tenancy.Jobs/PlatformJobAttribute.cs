using Hangfire.Common;

namespace Tenancy.Jobs;

/// <summary>
/// Marks a job interface or class as platform work (no tenant): it never carries the tenant that happens to be
/// current when it is enqueued, and runs without one. Every other job needs a tenant, and fails without one.
/// </summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Class, Inherited = true)]
public sealed class PlatformJobAttribute : Attribute
{
    public static bool IsDefinedOn(Job? job) =>
        job is not null && (IsDefined(job.Type, typeof(PlatformJobAttribute)) || IsDefined(job.Method.DeclaringType!, typeof(PlatformJobAttribute)));
}
