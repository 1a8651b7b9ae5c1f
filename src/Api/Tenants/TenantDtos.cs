using Tenancy.Tenants;

namespace Tenancy.Api.Tenants;

public sealed record CreateTenantRequest(
    string? Identifier,
    string? Name,
    string? Isolation,
    IReadOnlyList<string>? Domains,
    string? Plan,
    string? ContactEmail,
    Dictionary<string, string>? Metadata,
    string? Status,
    string? ConnectionReference = null,
    OwnerRequest? Owner = null);

public sealed record AddDomainRequest(string? Host, bool IsPrimary = false);

public sealed record DomainResponse(string Host, bool IsPrimary);

public sealed record TenantResponse(
    Guid Id,
    string Identifier,
    string Name,
    TenantStatus Status,
    TenantIsolation Isolation,
    string Plan,
    IReadOnlyDictionary<string, int> Limits,
    IReadOnlyList<DomainResponse> Domains,
    string? ContactEmail,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? DatabaseName,
    string? ConnectionReference)
{
    public static TenantResponse From(Tenant tenant) => new(
        tenant.Id,
        tenant.Identifier,
        tenant.Name,
        tenant.Status,
        tenant.Isolation,
        tenant.Plan,
        tenant.Limits.Values,
        [.. tenant.Domains.OrderByDescending(d => d.IsPrimary).ThenBy(d => d.Host).Select(d => new DomainResponse(d.Host, d.IsPrimary))],
        tenant.ContactEmail,
        tenant.CreatedAt,
        tenant.UpdatedAt,
        tenant.DatabaseName,
        tenant.ConnectionReference);
}

/// <param name="Error">Why the store is unreachable; null when it answered.</param>
public sealed record TenantStoreStatusResponse(string Identifier, TenantIsolation Isolation, bool Reachable, string? Error, double LatencyMs, IReadOnlyList<string> PendingMigrations)
{
    public static TenantStoreStatusResponse From(Tenancy.Placement.TenantStoreCheck check) =>
        new(check.Identifier, check.Isolation, check.Reachable, check.Error, Math.Round(check.Latency.TotalMilliseconds, 1), check.Pending);
}
