using Microsoft.FeatureManagement.FeatureFilters;
using Tenancy.Context;
using Tenancy.Tenants;

namespace Tenancy.Features;

/// <summary>
/// A tenant as Microsoft.FeatureManagement's targeting filter (<c>Microsoft.Targeting</c>) sees it: the user is the
/// tenant's identifier, its one group its plan. A flag's <c>Users</c> are thus tenants, its <c>Groups</c> plans, and a
/// percentage rollout picks tenants (the filter hashes the identifier with the flag's name, so a tenant's answer is
/// the same on every instance and every request, and differs from flag to flag).
/// </summary>
public static class TenantTargeting
{
    public static TargetingContext For(TenantInfo tenant) => new() { UserId = tenant.Identifier, Groups = [tenant.Plan] };
}

/// <summary>The request's (or tenant scope's) tenant, for flags evaluated through <c>IFeatureManager</c> directly; none on the platform.</summary>
internal sealed class TenantTargetingContextAccessor(ITenantContextAccessor tenants) : ITargetingContextAccessor
{
    public ValueTask<TargetingContext> GetContextAsync() =>
        ValueTask.FromResult(tenants.Current is { } tenant ? TenantTargeting.For(tenant) : new TargetingContext());
}
