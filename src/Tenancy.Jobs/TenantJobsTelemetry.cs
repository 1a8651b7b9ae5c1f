using System.Diagnostics;

namespace Tenancy.Jobs;

/// <summary>Spans of enqueued and performed jobs; named "Tenancy.*" so the service defaults export them.</summary>
public static class TenantJobsTelemetry
{
    public const string SourceName = "Tenancy.Jobs";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    /// <summary>The job's name for people on its span: with its tenant once the tenant is verified.</summary>
    public const string DisplayNameTag = "job.display_name";
}
