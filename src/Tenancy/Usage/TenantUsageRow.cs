namespace Tenancy.Usage;

/// <summary>The registry's model of <c>tenancy.tenant_usage</c>, for its migration; reads and writes go through <see cref="UsageStore"/>.</summary>
public sealed class TenantUsageRow
{
    public Guid TenantId { get; set; }

    public DateOnly Day { get; set; }

    public long Requests { get; set; }

    public long Errors { get; set; }

    public long JobsRun { get; set; }

    public long? DataBytes { get; set; }

    public long? CacheBytes { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
