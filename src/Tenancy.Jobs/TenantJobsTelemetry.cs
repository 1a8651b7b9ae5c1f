using System.Diagnostics;

namespace Tenancy.Jobs;

/// <summary>Spans of enqueued and performed jobs; named "Tenancy.*" so the service defaults export them.</summary>
public static class TenantJobsTelemetry
{
    public const string SourceName = "Tenancy.Jobs";

    public static readonly ActivitySource ActivitySource = new(SourceName);
}
