namespace Tenancy.Usage;

/// <summary>One tenant's use of one day (UTC): what billing reads. Data and cache bytes are the day's last measurement.</summary>
public sealed record UsageDay(DateOnly Day, long Requests, long Errors, long JobsRun, long? DataBytes, long? CacheBytes);

/// <summary>Counts taken from memory for one tenant and day, added to the stored day by a flush.</summary>
public sealed record UsageIncrement(Guid TenantId, DateOnly Day, long Requests, long Errors, long JobsRun, long? DataBytes, long? CacheBytes);
