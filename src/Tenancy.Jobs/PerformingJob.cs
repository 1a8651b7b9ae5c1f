using System.Diagnostics;
using Hangfire.Common;
using Tenancy.Telemetry;
using Tenancy.Tenants;

namespace Tenancy.Jobs;

/// <summary>The Hangfire job the current code runs in, if any: for records that say which job wrote them.</summary>
public sealed class PerformingJob
{
    private static readonly AsyncLocal<PerformingJob?> Ambient = new();

    private readonly Job? _job;
    private readonly Activity? _span;

    internal PerformingJob(string id, Job? job, Activity? span)
    {
        (Id, _job, _span) = (id, job, span);
        DisplayName = TenantJobNames.Display(job, tenant: null);
    }

    public static PerformingJob? Current => Ambient.Value;

    public string Id { get; }

    /// <summary>The job's name for people, with its tenant once <see cref="Tenant"/> is known.</summary>
    public string DisplayName { get; private set; }

    /// <summary>
    /// The job's tenant as the activator checked it against the registry; null for platform work, and for a job
    /// refused for its tenant, whose parameters are never trusted with telemetry or metering.
    /// </summary>
    public TenantInfo? Tenant { get; private set; }

    // Set and cleared by the telemetry filter around each job, on the worker's thread (so it flows into the job).
    internal static void Set(PerformingJob? job) => Ambient.Value = job;

    /// <summary>Called by the activator once the job's tenant is verified: only now is the job's span tagged with it.</summary>
    internal void Verified(TenantInfo tenant)
    {
        Tenant = tenant;
        DisplayName = TenantJobNames.Display(_job, tenant.Identifier);
        _span.SetTenantTags(tenant)?.SetTag(TenantJobsTelemetry.DisplayNameTag, DisplayName);
    }
}
