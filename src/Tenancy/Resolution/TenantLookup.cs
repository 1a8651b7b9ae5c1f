using Tenancy.Changes;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Resolution;

/// <summary>
/// Finds tenants by identifier or host through the <see cref="TenantRegistry"/>. Answers (found or not) are cached in
/// memory while the <see cref="ChangeListener"/> is listening, and dropped the moment the registry announces a change
/// (this instance's writes at once, every instance's through NOTIFY), so requests do not query PostgreSQL and changes
/// take effect at once.
/// </summary>
public sealed class TenantLookup : ITenantLookup, IChangeSubscriber
{
    // Bounds memory against floods of made-up hosts; the registry itself is small by comparison.
    private const int MaxEntries = 50_000;

    private readonly NotifiedCache<string, TenantInfo?> _cache = new(MaxEntries, StringComparer.Ordinal);
    private readonly TenantRegistry _registry;

    public TenantLookup(TenantRegistry registry)
    {
        _registry = registry;
        registry.Changed += Invalidate;
    }

    public ValueTask<TenantInfo?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken = default) =>
        _cache.GetOrReadAsync("i:" + identifier, (_registry, identifier), static (_, read, ct) => read._registry.ReadAsync(read.identifier, ct), cancellationToken);

    public ValueTask<TenantInfo?> FindByHostAsync(string host, CancellationToken cancellationToken = default) =>
        _cache.GetOrReadAsync("h:" + host, (_registry, host), static (_, read, ct) => read._registry.ReadByHostAsync(read.host, ct), cancellationToken);

    string IChangeSubscriber.Channel => RegistryDbContext.ChangeChannel;

    /// <summary>Drops every cached answer; called on every registry change.</summary>
    public void Invalidate() => _cache.Clear();

    void IChangeSubscriber.OnChanged(string payload) => Invalidate();

    /// <summary>Caching is only safe while changes are heard; the listener turns it on and off.</summary>
    internal void SetCaching(bool enabled) => _cache.SetCaching(enabled);

    void IChangeSubscriber.OnListening(bool listening) => SetCaching(listening);
}
