namespace Tenancy.Provisioning;

/// <summary>Configuration section <c>Tenancy:Provisioning</c>.</summary>
public sealed class ProvisioningOptions
{
    public const string SectionName = "Tenancy:Provisioning";

    /// <summary>
    /// How long an interrupted database-tier creation waits for a retry of its request (which resumes it, owner
    /// included) before the Worker removes it. A live attempt is never removed, whatever its age: it holds the lease.
    /// </summary>
    public int AbandonAfterSeconds { get; set; } = 60;

    /// <summary>How often the Worker looks for abandoned creations.</summary>
    public int SweepIntervalSeconds { get; set; } = 15;
}
