using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Tenancy.Tenants;

namespace Tenancy.Telemetry;

/// <summary>Which tenants get metrics of their own (<c>Tenancy:Telemetry</c>).</summary>
public sealed class TenantMetricsOptions
{
    public const string SectionName = "Tenancy:Telemetry";

    /// <summary>
    /// Identifiers whose metrics also carry <c>tenant.identifier</c> (a tenant under watch, a large customer).
    /// Everyone else is counted by plan only, so a metric has as many series per plan as it would without tenants.
    /// </summary>
    public string[] PerTenantMetrics { get; set; } = [];
}

/// <summary>
/// The dimensions a tenant's metrics get: always <c>tenant.plan</c> (a handful of values), and
/// <c>tenant.identifier</c> only for the allow-listed tenants, never one series per tenant by default.
/// </summary>
public sealed class TenantMetricTags(IOptions<TenantMetricsOptions> options)
{
    public const string PlanTag = "tenant.plan";

    private readonly HashSet<string> _perTenant = new(options.Value.PerTenantMetrics, StringComparer.Ordinal);
    private readonly ConditionalWeakTable<TenantInfo, KeyValuePair<string, object?>[]> _tags = new();

    /// <summary>Made once per tenant instance: adding them to a request's metrics allocates nothing.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> For(TenantInfo tenant) => _tags.GetValue(tenant, Create);

    private KeyValuePair<string, object?>[] Create(TenantInfo tenant) => _perTenant.Contains(tenant.Identifier)
        ? [new(PlanTag, tenant.Plan), new(TenantActivityProcessor.TenantIdentifierTag, tenant.Identifier)]
        : [new(PlanTag, tenant.Plan)];
}
