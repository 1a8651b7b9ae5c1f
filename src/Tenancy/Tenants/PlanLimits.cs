namespace Tenancy.Tenants;

/// <summary>What a tenant's plan allows; null means unlimited.</summary>
public sealed record PlanLimits(int? MaxUsers, int? MaxLocations)
{
    public static readonly PlanLimits Unlimited = new(null, null);
}
