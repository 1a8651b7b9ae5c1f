namespace Tenancy.Jobs;

/// <summary>The Hangfire job the current code runs in, if any: for records that say which job wrote them.</summary>
public sealed record PerformingJob(string Id, string DisplayName)
{
    private static readonly AsyncLocal<PerformingJob?> Ambient = new();

    public static PerformingJob? Current => Ambient.Value;

    // Set and cleared by the telemetry filter around each job, on the worker's thread (so it flows into the job).
    internal static void Set(PerformingJob? job) => Ambient.Value = job;
}
