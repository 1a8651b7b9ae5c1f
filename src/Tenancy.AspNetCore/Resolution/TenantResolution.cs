using Tenancy.Tenants;

namespace Tenancy.AspNetCore.Resolution;

/// <summary>What a request's host, header and path say about its tenant.</summary>
public abstract record TenantResolution
{
    private TenantResolution()
    {
    }

    /// <summary>The platform itself: no tenant.</summary>
    public sealed record Platform : TenantResolution;

    public sealed record Resolved(TenantInfo Tenant, string Source) : TenantResolution;

    /// <summary>The request must not go on; it gets these problem details.</summary>
    public sealed record Rejected(int Status, string Title, string Detail) : TenantResolution;
}
