using System.Diagnostics;
using Npgsql;

namespace Tenancy.Placement;

/// <summary>
/// One small Npgsql pool per tenant database, with a global cap: at most <see cref="TenantDatabaseOptions.MaxOpenPools"/>
/// pools exist at once. Opening another disposes the least recently used pool that nobody is using (which closes its
/// idle connections); when every pool is in use the caller waits, then is refused. Idle pools are disposed by a timer.
/// </summary>
public sealed class TenantDatabasePools : IDisposable
{
    private readonly TenantDatabaseOptions _options;
    private readonly Dictionary<string, Pool> _pools = new(StringComparer.Ordinal);
    private readonly Timer _sweeper;
    private bool _disposed;

    public TenantDatabasePools(TenantDatabaseOptions options)
    {
        _options = options;
        var period = TimeSpan.FromSeconds(Math.Max(1, options.IdleLifetimeSeconds));
        _sweeper = new Timer(_ => DisposeIdle(period * 2), null, period, period);
    }

    /// <summary>Pools open now (each holds at most <see cref="TenantDatabaseOptions.MaxPoolSizePerDatabase"/> connections).</summary>
    public int OpenPools
    {
        get
        {
            lock (_pools)
            {
                return _pools.Count;
            }
        }
    }

    /// <summary>
    /// The pool of <paramref name="connectionString"/>'s database, held until the lease is disposed (it is never
    /// evicted while held).
    /// </summary>
    /// <exception cref="TenantStoreBusyException">Every pool stayed in use for the acquire timeout.</exception>
    public Lease Rent(string connectionString)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.AcquireTimeoutSeconds * (double)Stopwatch.Frequency);
        NpgsqlDataSource? evicted = null;
        Pool pool;
        lock (_pools)
        {
            while (true)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_pools.TryGetValue(connectionString, out var existing))
                {
                    pool = existing;
                    break;
                }

                if (_pools.Count < _options.MaxOpenPools || TryEvictLocked(out evicted))
                {
                    pool = new Pool(Build(connectionString));
                    _pools[connectionString] = pool;
                    break;
                }

                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero || !Monitor.Wait(_pools, remaining))
                {
                    throw new TenantStoreBusyException($"All {_options.MaxOpenPools} tenant database pools are in use.");
                }
            }

            pool.Leases++;
            pool.LastUsed = Stopwatch.GetTimestamp();
        }

        // Outside the lock: disposing closes connections over the network.
        evicted?.Dispose();
        return new Lease(this, pool);
    }

    /// <summary>Disposes the pool of <paramref name="connectionString"/>, e.g. before its database is dropped.</summary>
    public void Evict(string connectionString)
    {
        NpgsqlDataSource? source = null;
        lock (_pools)
        {
            if (_pools.Remove(connectionString, out var pool))
            {
                source = pool.Source;
            }
        }

        source?.Dispose();
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        List<Pool> pools;
        lock (_pools)
        {
            _disposed = true;
            pools = [.. _pools.Values];
            _pools.Clear();
            Monitor.PulseAll(_pools);
        }

        pools.ForEach(p => p.Source.Dispose());
    }

    private NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = _options.MaxPoolSizePerDatabase;
        builder.ConnectionStringBuilder.MinPoolSize = 0;
        builder.ConnectionStringBuilder.ConnectionIdleLifetime = Math.Max(2, _options.IdleLifetimeSeconds);
        builder.ConnectionStringBuilder.ConnectionPruningInterval = Math.Max(1, _options.IdleLifetimeSeconds / 2);
        builder.ConnectionStringBuilder.Timeout = Math.Max(1, _options.AcquireTimeoutSeconds);
        return builder.Build();
    }

    private bool TryEvictLocked(out NpgsqlDataSource? evicted)
    {
        var idle = _pools.Where(p => p.Value.Leases == 0).OrderBy(p => p.Value.LastUsed).Select(p => p.Key).FirstOrDefault();
        evicted = idle is not null && _pools.Remove(idle, out var pool) ? pool.Source : null;
        return evicted is not null;
    }

    private void Return(Pool pool)
    {
        lock (_pools)
        {
            pool.Leases--;
            pool.LastUsed = Stopwatch.GetTimestamp();
            Monitor.PulseAll(_pools);
        }
    }

    private void DisposeIdle(TimeSpan idleFor)
    {
        List<NpgsqlDataSource> idle;
        lock (_pools)
        {
            var stale = _pools.Where(p => p.Value.Leases == 0 && Stopwatch.GetElapsedTime(p.Value.LastUsed) > idleFor).ToList();
            stale.ForEach(p => _pools.Remove(p.Key));
            idle = [.. stale.Select(p => p.Value.Source)];
        }

        idle.ForEach(s => s.Dispose());
    }

    internal sealed class Pool(NpgsqlDataSource source)
    {
        public NpgsqlDataSource Source { get; } = source;

        public int Leases { get; set; }

        public long LastUsed { get; set; }
    }

    /// <summary>A held pool; dispose to give it back.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly TenantDatabasePools _owner;
        private readonly Pool _pool;
        private int _returned;

        internal Lease(TenantDatabasePools owner, Pool pool)
        {
            _owner = owner;
            _pool = pool;
        }

        public NpgsqlDataSource DataSource => _pool.Source;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                _owner.Return(_pool);
            }
        }
    }
}

/// <summary>A tenant store cannot take more work right now; retry shortly (the Api answers 503 with Retry-After).</summary>
public sealed class TenantStoreBusyException(string message) : Exception(message);
