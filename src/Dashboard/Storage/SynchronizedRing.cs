namespace Tenancy.Dashboard.Storage;

/// <summary>A <see cref="RingBuffer{T}"/> behind a lock: the receiver adds while the pages read.</summary>
internal sealed class SynchronizedRing<T>(int capacity) where T : class
{
    private readonly RingBuffer<T> _items = new(capacity);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public void Add(IEnumerable<T> items)
    {
        lock (_lock)
        {
            foreach (var item in items)
            {
                _items.Add(item);
            }
        }
    }

    /// <summary>Runs <paramref name="read"/> over the items, newest first, under the lock; it must not keep the sequence.</summary>
    public TResult Read<TResult>(Func<IEnumerable<T>, TResult> read)
    {
        lock (_lock)
        {
            return read(_items.NewestFirst());
        }
    }
}
