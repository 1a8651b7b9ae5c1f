using System.Collections;
using System.Runtime.CompilerServices;
using Tenancy.Tenants;

namespace Tenancy.Telemetry;

/// <summary>
/// A tenant's telemetry values (its boxed id, its log scope) made once per tenant instance and kept beside it while
/// the registry's cached instance lives, so tagging a span or opening a log scope allocates nothing per request.
/// </summary>
public sealed class TenantTags : IReadOnlyList<KeyValuePair<string, object>>
{
    private static readonly ConditionalWeakTable<TenantInfo, TenantTags> Cache = new();

    private readonly KeyValuePair<string, object>[] _scope;

    private TenantTags(TenantInfo tenant)
    {
        Id = tenant.Id;
        Identifier = tenant.Identifier;
        _scope = [new(TenantActivityProcessor.TenantIdTag, Id), new(TenantActivityProcessor.TenantIdentifierTag, Identifier)];
    }

    public static TenantTags Of(TenantInfo tenant) => Cache.GetValue(tenant, static t => new TenantTags(t));

    /// <summary>The tenant's id, boxed once.</summary>
    public object Id { get; }

    public string Identifier { get; }

    public int Count => _scope.Length;

    public KeyValuePair<string, object> this[int index] => _scope[index];

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_scope).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What a console logger prints for the scope.</summary>
    public override string ToString() => $"{TenantActivityProcessor.TenantIdTag}:{Id} {TenantActivityProcessor.TenantIdentifierTag}:{Identifier}";
}
