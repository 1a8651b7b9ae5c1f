using Tenancy.Tenants;

namespace Tenancy.Resolution;

/// <summary>Finds a tenant by what a request names it with; <see cref="TenantLookup"/> reads the registry, cached.</summary>
public interface ITenantLookup
{
    ValueTask<TenantInfo?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken = default);

    /// <param name="host">Lowercase, without port or trailing dot.</param>
    ValueTask<TenantInfo?> FindByHostAsync(string host, CancellationToken cancellationToken = default);
}
