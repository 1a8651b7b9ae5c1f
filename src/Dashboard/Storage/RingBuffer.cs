namespace Tenancy.Dashboard.Storage;

/// <summary>A fixed-size buffer that overwrites its oldest item; not thread-safe (the stores lock around it).</summary>
internal sealed class RingBuffer<T>(int capacity) where T : class
{
    private readonly T?[] _items = new T?[capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "must be positive")];
    private int _next;

    public int Count { get; private set; }

    public int Capacity => _items.Length;

    /// <summary>Adds <paramref name="item"/> and returns the item it overwrote, if the buffer was full.</summary>
    public T? Add(T item)
    {
        var evicted = _items[_next];
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        Count = Math.Min(Count + 1, _items.Length);
        return evicted;
    }

    /// <summary>Newest first.</summary>
    public IEnumerable<T> NewestFirst()
    {
        for (var i = 1; i <= Count; i++)
        {
            yield return _items[(_next - i + _items.Length) % _items.Length]!;
        }
    }
}
