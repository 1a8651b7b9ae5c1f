using Tenancy.Limits;
using Tenancy.Usage;

namespace Tenancy.Api.Usage;

/// <summary>A tenant's limits now, and whether each is the tenant's own or its plan's.</summary>
public sealed record LimitsResponse(
    int RequestsPerWindow,
    double WindowSeconds,
    long? MaxDataBytes,
    int? MaxCacheEntries,
    int? MaxConcurrentJobs,
    bool RequestsOverridden,
    bool DataOverridden,
    bool CacheEntriesOverridden,
    bool ConcurrentJobsOverridden)
{
    public static LimitsResponse From(TenantLimits limits) => new(
        limits.RequestsPerWindow, limits.Window.TotalSeconds, limits.MaxDataBytes, limits.MaxCacheEntries, limits.MaxConcurrentJobs,
        limits.RequestsOverridden, limits.DataOverridden, limits.CacheEntriesOverridden, limits.ConcurrentJobsOverridden);
}

/// <summary>
/// A tenant's use per UTC day from <see cref="From"/> to <see cref="To"/>; days without any use are left out. The
/// <c>Now</c> figures are measured as the report is made (null: the store did not answer).
/// </summary>
public sealed record UsageReport(
    string Tenant, string Plan, DateOnly From, DateOnly To, long? DataBytesNow, long? CacheBytesNow, long? CacheEntriesNow, LimitsResponse Limits, IReadOnlyList<UsageDay> Days);

/// <summary>The tenant's own limits over its plan's; a null field means the plan's.</summary>
public sealed record SetLimitsRequest(int? RequestsPerWindow, long? MaxDataBytes, int? MaxCacheEntries, int? MaxConcurrentJobs);
