namespace Tenancy.Usage;

/// <summary>Configuration section <c>Tenancy:Usage</c>.</summary>
public sealed class UsageOptions
{
    public const string SectionName = "Tenancy:Usage";

    /// <summary>How often the counts in memory are written to PostgreSQL (one statement per flush, whatever the traffic).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}
