using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tenancy.Caching;

/// <summary>
/// StackExchange.Redis emits no spans, so cache work gets its own, tagged with the tenant; counts are by tenant plan
/// (plan), never by tenant id, to keep metric cardinality bounded.
/// </summary>
public sealed class TenantCacheTelemetry : IDisposable
{
    public const string Name = "Tenancy.Caching";

    private readonly Meter _meter;
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _budgetRefusals;

    public TenantCacheTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _lookups = _meter.CreateCounter<long>("tenancy.cache.lookups", description: "Cache lookups by result (hit, miss, bypass) and tenant plan");
        _budgetRefusals = _meter.CreateCounter<long>("tenancy.cache.budget_refusals", description: "Entries kept out of Redis because their tenant held its plan's MaxCacheEntries, by tenant plan");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    internal void RecordLookup(string result, string plan) =>
        _lookups.Add(1, new KeyValuePair<string, object?>("cache.result", result), new KeyValuePair<string, object?>("tenant.plan", plan));

    internal void RecordBudgetRefusal(string plan) =>
        _budgetRefusals.Add(1, new KeyValuePair<string, object?>("tenant.plan", plan));

    public void Dispose() => _meter.Dispose();
}
