using Tenancy.Limits;
using Tenancy.Tenants;

namespace Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// What a request is counted under: its tenant and the limit it has now. A new limit (a plan change, an override)
/// is a new key, so it takes effect at once instead of when an idle limiter is dropped. A value: no allocation.
/// </summary>
public readonly record struct TenantPartition(Guid TenantId, int PermitLimit, TimeSpan Window)
{
    public static TenantPartition Of(TenantInfo tenant, TenantLimits limits) => new(tenant.Id, limits.RequestsPerWindow, limits.Window);
}
