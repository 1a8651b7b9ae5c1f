using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Tenancy.Tenants;

namespace Tenancy.Limits;

/// <summary>What one tenant may use now: its plan's limits, with the registry's per-tenant overrides applied.</summary>
public sealed record TenantLimits(int RequestsPerWindow, TimeSpan Window, long? MaxDataBytes, bool RequestsOverridden, bool DataOverridden, int? MaxCacheEntries = null, int? MaxConcurrentJobs = null)
{
    /// <summary>The plan's quota (<paramref name="plan"/> null: the plan is unknown, and unlimited but for requests) under the tenant's overrides.</summary>
    public static TenantLimits Resolve(PlanQuota? plan, TimeSpan window, int? requestsOverride, long? dataOverride) => new(
        requestsOverride ?? plan?.RequestsPerWindow ?? new PlanQuota().RequestsPerWindow,
        window,
        dataOverride ?? plan?.MaxDataBytes,
        requestsOverride is not null,
        dataOverride is not null,
        plan?.MaxCacheEntries,
        plan?.MaxConcurrentJobs);
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
            limits.Plans.GetValueOrDefault(t.Plan), limits.Window, t.LimitOverrides?.RequestsPerWindow, t.LimitOverrides?.MaxDataBytes);
    });
}
