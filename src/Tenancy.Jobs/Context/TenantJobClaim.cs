using Newtonsoft.Json;
using Tenancy.Tenants;

namespace Tenancy.Jobs.Context;

/// <summary>
/// The tenant a job says it belongs to, as read from its parameters. It is a claim until the activator has checked it
/// against the registry: both parts must be present, well formed and name the same tenant.
/// </summary>
internal sealed record TenantJobClaim(Guid TenantId, string Identifier)
{
    /// <returns>Null when the job carries no tenant at all.</returns>
    /// <exception cref="TenantJobRejectedException">The parameters are partial, malformed or unreadable.</exception>
    public static TenantJobClaim? Read(Func<string, string?> parameter)
    {
        string? id, identifier;
        try
        {
            id = parameter(TenantJobParameters.TenantId);
            identifier = parameter(TenantJobParameters.Tenant);
        }
        catch (JsonException ex)
        {
            throw new TenantJobRejectedException(TenantJobRejection.ConflictingTenant, $"The job's tenant parameters cannot be read: {ex.Message}");
        }

        if (id is null && identifier is null)
        {
            return null;
        }

        if (!Guid.TryParse(id, out var tenantId) || identifier is null || TenantIdentifier.Validate(identifier) is not null)
        {
            throw new TenantJobRejectedException(
                TenantJobRejection.ConflictingTenant, "The job's tenant parameters are incomplete or malformed; it was not run.");
        }

        return new TenantJobClaim(tenantId, identifier);
    }
}
