using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Tenancy.Tenants;

namespace Tenancy.Limits;

/// <summary>What one tenant may use now: its plan's limits, with the registry's per-tenant <see cref="Overrides"/> applied.</summary>
public sealed record TenantLimits(int RequestsPerWindow, TimeSpan Window, long? MaxDataBytes, int? MaxCacheEntries, int? MaxConcurrentJobs, LimitOverrides? Overrides)
{
    public bool RequestsOverridden => Overrides?.RequestsPerWindow is not null;

    public bool DataOverridden => Overrides?.MaxDataBytes is not null;

    public bool CacheEntriesOverridden => Overrides?.MaxCacheEntries is not null;

    public bool ConcurrentJobsOverridden => Overrides?.MaxConcurrentJobs is not null;

    /// <summary>The plan's quota (<paramref name="plan"/> null: the plan is unknown, and unlimited but for requests) under the tenant's overrides.</summary>
    public static TenantLimits Resolve(PlanQuota? plan, TimeSpan window, LimitOverrides? overrides) => new(
        overrides?.RequestsPerWindow ?? plan?.RequestsPerWindow ?? new PlanQuota().RequestsPerWindow,
        window,
        overrides?.MaxDataBytes ?? plan?.MaxDataBytes,
        overrides?.MaxCacheEntries ?? plan?.MaxCacheEntries,
        overrides?.MaxConcurrentJobs ?? plan?.MaxConcurrentJobs,
        overrides);

    /// <summary>Where a limit comes from, for messages: "set for this tenant" or "plan 'trial'".</summary>
    public static string Source(bool overridden, TenantInfo tenant) => overridden ? "set for this tenant" : $"plan '{tenant.Plan}'";
}

/// <summary>
/// Resolves <see cref="TenantLimits"/> once per tenant snapshot: a <see cref="TenantInfo"/> is replaced whenever
/// the registry changes, so keying on the instance keeps the answer exact with no work per request.
/// </summary>
public sealed class TenantLimitResolver(IOptions<TenantLimitsOptions> options)
{
    private readonly ConditionalWeakTable<TenantInfo, TenantLimits> _resolved = new();

    public TenantLimits For(TenantInfo tenant) => _resolved.GetValue(tenant, t =>
    {
        var limits = options.Value;
        return TenantLimits.Resolve(
            limits.Plans.GetValueOrDefault(t.Plan), limits.Window, t.LimitOverrides);
    });
}
