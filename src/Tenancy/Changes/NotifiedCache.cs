using System.Collections.Concurrent;

namespace Tenancy.Changes;

/// <summary>
/// Answers read from PostgreSQL, kept in memory only while the changes that could make them stale are heard
/// (<see cref="IChangeSubscriber"/>), and dropped as each is announced. Bounded by count: past the cap it starts
/// over, which costs reads, never correctness.
/// </summary>
public sealed class NotifiedCache<TKey, TValue>(int maxEntries, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries = new(comparer);
    private long _generation;
    private volatile bool _caching;

    public int Count => _entries.Count;

    public async ValueTask<TValue> GetOrReadAsync<TState>(
        TKey key, TState state, Func<TKey, TState, CancellationToken, Task<TValue>> read, CancellationToken cancellationToken)
    {
        if (_caching && _entries.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        var value = await read(key, state, cancellationToken);

        // An answer read before a change was announced may be stale: keep it only if nothing changed meanwhile, and
        // take it back if a change came in between that check and the store.
        if (_caching && generation == Interlocked.Read(ref _generation))
        {
            if (_entries.Count >= maxEntries)
            {
                _entries.Clear();
            }

            _entries[key] = value;
            if (generation != Interlocked.Read(ref _generation))
            {
                _entries.TryRemove(KeyValuePair.Create(key, value));
            }
        }

        return value;
    }

    /// <summary>Drops every answer.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Drops the answers a change touched.</summary>
    public void Remove(Func<TKey, bool> touched)
    {
        Interlocked.Increment(ref _generation);
        foreach (var key in _entries.Keys)
        {
            if (touched(key))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Caching is only safe while changes are heard; turning it either way drops everything.</summary>
    public void SetCaching(bool enabled)
    {
        _caching = enabled;
        Clear();
    }
}
