using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Tenancy.Telemetry;
using Tenancy.Tenants;

namespace Tenancy.Usage;

/// <summary>
/// Usage as OpenTelemetry metrics (meter <c>Tenancy.Usage</c>), by <see cref="TenantMetricTags"/>: by plan, and by
/// tenant only for the allow-listed few, so the series stay bounded whatever the number of tenants.
/// </summary>
public sealed class UsageTelemetry
{
    public const string MeterName = "Tenancy.Usage";

    private readonly TenantMetricTags _tags;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _throttled;
    private readonly ConditionalWeakTable<TenantInfo, KeyValuePair<string, object?>[]> _tagsByTenant = new();

    public UsageTelemetry(IMeterFactory meters, TenantMetricTags tags)
    {
        _tags = tags;
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("tenancy.usage.requests", "{request}", "Requests served for tenants");
        _errors = meter.CreateCounter<long>("tenancy.usage.errors", "{request}", "Tenant requests answered 4xx or 5xx");
        _throttled = meter.CreateCounter<long>("tenancy.usage.throttled", "{request}", "Tenant requests refused by the rate limit (429)");
    }

    public void Request(TenantInfo tenant, bool failed)
    {
        var tags = TagsOf(tenant);
        _requests.Add(1, tags);
        if (failed)
        {
            _errors.Add(1, tags);
        }
    }

    public void Throttled(TenantInfo tenant) => _throttled.Add(1, TagsOf(tenant));

    // One array per tenant snapshot, not one per request.
    private ReadOnlySpan<KeyValuePair<string, object?>> TagsOf(TenantInfo tenant) =>
        _tagsByTenant.GetValue(tenant, t => [.. _tags.For(t)]);
}
