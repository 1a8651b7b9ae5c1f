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
