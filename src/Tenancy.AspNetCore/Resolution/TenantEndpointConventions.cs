using Microsoft.AspNetCore.Builder;

namespace Tenancy.AspNetCore.Resolution;

/// <summary>Endpoint metadata saying whom an endpoint serves; <see cref="TenantResolutionMiddleware"/> enforces it before the endpoint runs.</summary>
public sealed class TenantRequirement
{
    /// <summary>A tenant's data: a request without a tenant is refused (400).</summary>
    public static readonly TenantRequirement Tenant = new();

    /// <summary>The platform itself: on a tenant's host the endpoint does not exist (404).</summary>
    public static readonly TenantRequirement Platform = new();

    private TenantRequirement()
    {
    }
}

public static class TenantEndpointConventions
{
    /// <summary>The endpoints serve tenant data: a request without a tenant is refused before the handler runs.</summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TenantRequirement.Tenant);

    /// <summary>The endpoints belong to the platform: on a tenant's host they do not exist.</summary>
    public static TBuilder RequirePlatform<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TenantRequirement.Platform);
}
