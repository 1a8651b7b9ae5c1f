using Tenancy.Tenants;

namespace Tenancy.Provisioning;

/// <summary>What it takes to create a tenant.</summary>
public sealed record NewTenant(
    string Identifier,
    string Name,
    string? Plan = null,
    TenantIsolation Isolation = TenantIsolation.Schema,
    IReadOnlyList<string>? Domains = null,
    string? ContactEmail = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    TenantStatus Status = TenantStatus.Active,
    string? ConnectionReference = null);

/// <summary>Input that cannot become a tenant, with what is wrong per field (camelCase, as the API names them).</summary>
public sealed class TenantValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The tenant is not valid: " + string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>The identifier or a host is already taken.</summary>
public sealed class TenantConflictException(string message) : Exception(message);
