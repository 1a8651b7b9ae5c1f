namespace Tenancy.Tenants;

/// <summary>A tenant's own limits where they differ from its plan's (<c>Tenancy:Limits:Plans</c>); null: the plan's.</summary>
public sealed record LimitOverrides(int? RequestsPerWindow, long? MaxDataBytes, int? MaxCacheEntries, int? MaxConcurrentJobs)
{
    /// <summary>The overrides, or null when every limit is the plan's.</summary>
    public static LimitOverrides? Of(int? requestsPerWindow, long? maxDataBytes, int? maxCacheEntries, int? maxConcurrentJobs) =>
        requestsPerWindow is null && maxDataBytes is null && maxCacheEntries is null && maxConcurrentJobs is null
            ? null
            : new(requestsPerWindow, maxDataBytes, maxCacheEntries, maxConcurrentJobs);
}
