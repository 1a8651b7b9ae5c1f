namespace Tenancy.Limits;

/// <summary>Configuration section <c>Tenancy:Limits</c>: what each plan may use (requests, data), validated at start.</summary>
public sealed class TenantLimitsOptions
{
    public const string SectionName = "Tenancy:Limits";

    /// <summary>The fixed window requests are counted in, on every Api instance together (through Redis).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request waits for Redis's count before its instance counts alone (fails open).</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After Redis failed to count, how long the instance counts alone before it asks Redis again.</summary>
    public TimeSpan RedisRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a tenant's measured data size is trusted before it is measured again.</summary>
    public TimeSpan DataSizeRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limits by plan name (the plans of <c>Tenancy:Plans</c>); a tenant's registry overrides win.</summary>
    public Dictionary<string, PlanQuota> Plans { get; set; } = new(StringComparer.Ordinal)
    {
        ["trial"] = new() { RequestsPerWindow = 100, MaxDataBytes = 50L * 1024 * 1024, MaxCacheEntries = 1_000, MaxConcurrentJobs = 2 },
        ["standard"] = new() { RequestsPerWindow = 1_000, MaxDataBytes = 5L * 1024 * 1024 * 1024, MaxCacheEntries = 20_000, MaxConcurrentJobs = 10 },
        ["enterprise"] = new() { RequestsPerWindow = 10_000, MaxCacheEntries = 200_000, MaxConcurrentJobs = 50 },
    };

    /// <summary>Why the options cannot be used, or null: checked at start (<c>ValidateOnStart</c>).</summary>
    public string? Problem(IEnumerable<string> planNames)
    {
        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromHours(1))
        {
            return $"{SectionName}:Window is between 1 s and 1 h (is {Window}).";
        }

        if (RedisTimeout <= TimeSpan.Zero || RedisTimeout > TimeSpan.FromSeconds(5) || RedisRetryAfter <= TimeSpan.Zero || DataSizeRefresh <= TimeSpan.Zero)
        {
            return $"{SectionName}: RedisTimeout (at most 5 s), RedisRetryAfter and DataSizeRefresh are positive.";
        }

        foreach (var plan in planNames)
        {
            if (!Plans.ContainsKey(plan))
            {
                return $"{SectionName}:Plans has no entry for plan '{plan}' of Tenancy:Plans.";
            }
        }

        foreach (var (name, quota) in Plans)
        {
            if (quota.RequestsPerWindow < 1 || quota.MaxDataBytes < 1 || quota.MaxCacheEntries < 1 || quota.MaxConcurrentJobs < 1)
            {
                return $"{SectionName}:Plans:{name}: RequestsPerWindow is at least 1, and MaxDataBytes, MaxCacheEntries and MaxConcurrentJobs, when set, positive.";
            }
        }

        return null;
    }
}

/// <summary>One plan's limits; a null quota is unlimited.</summary>
public sealed class PlanQuota
{
    public int RequestsPerWindow { get; set; } = 1_000;

    public long? MaxDataBytes { get; set; }

    /// <summary>
    /// Entries the tenant may hold in Redis at once (the shared cache tier); past it new entries stay in each
    /// instance's memory only, so one tenant cannot crowd the others out of Redis.
    /// </summary>
    public int? MaxCacheEntries { get; set; }

    /// <summary>
    /// The tenant's jobs running at once on all Workers together; one more waits (rescheduled a moment later), so a
    /// tenant's backlog never holds every worker.
    /// </summary>
    public int? MaxConcurrentJobs { get; set; }
}
