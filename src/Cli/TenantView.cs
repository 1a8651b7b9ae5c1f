using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary>A tenant as the CLI shows it, in tables and in JSON.</summary>
internal sealed record TenantView(
    Guid Id,
    string Identifier,
    string Name,
    TenantStatus Status,
    string Plan,
    PlanLimits Limits,
    TenantIsolation Isolation,
    string? SchemaName,
    IReadOnlyList<DomainView> Domains,
    string? ContactEmail,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DeletedAt,
    string? DatabaseName,
    string? ConnectionReference)
{
    public static TenantView From(Tenant tenant) => new(
        tenant.Id,
        tenant.Identifier,
        tenant.Name,
        tenant.Status,
        tenant.Plan,
        tenant.Limits,
        tenant.Isolation,
        tenant.SchemaName,
        [.. tenant.Domains.OrderByDescending(d => d.IsPrimary).ThenBy(d => d.Host, StringComparer.Ordinal).Select(d => new DomainView(d.Host, d.IsPrimary))],
        tenant.ContactEmail,
        tenant.CreatedAt,
        tenant.UpdatedAt,
        tenant.DeletedAt,
        tenant.DatabaseName,
        tenant.ConnectionReference);

    public string DescribeDomains() => string.Join(", ", Domains.Select(d => d.IsPrimary ? d.Host + " (primary)" : d.Host));
}

internal sealed record DomainView(string Host, bool IsPrimary);
