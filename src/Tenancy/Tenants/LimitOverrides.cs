namespace Tenancy.Tenants;

/// <summary>A tenant's own limits where they differ from its plan's (<c>Tenancy:Limits:Plans</c>); null: the plan's.</summary>
public sealed record LimitOverrides(int? RequestsPerWindow, long? MaxDataBytes)
{
    public static LimitOverrides? Of(int? requestsPerWindow, long? maxDataBytes) =>
        requestsPerWindow is null && maxDataBytes is null ? null : new(requestsPerWindow, maxDataBytes);
}
