using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;
using Tenancy.Limits;

namespace Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// One tenant's request limit: a fixed window on the wall clock counted in Redis across instances
/// (<see cref="RedisWindowCounter"/>), and an in-process fixed window of the same size for when Redis cannot count.
/// Only the asynchronous path counts (Redis needs a round trip); the middleware takes it when the synchronous
/// attempt is refused, as with any limiter that has to wait.
/// </summary>
internal sealed class TenantRequestLimiter : RateLimiter
{
    private static readonly RateLimitLease NotAttempted = TenantRateLimitLease.Rejected(TimeSpan.Zero);

    private readonly TenantPartition _partition;
    private readonly RedisWindowCounter _counter;
    private readonly TimeProvider _clock;
    private readonly FixedWindowRateLimiter _alone;
    private readonly RedisValue[] _expiry;
    private readonly string _keyPrefix;
    private WindowKey _current = new(-1, []);
    private long _lastUsed;
    private long _fullWindow = -1;

    public TenantRequestLimiter(TenantPartition partition, RedisWindowCounter counter, TimeProvider clock)
    {
        _partition = partition;
        _counter = counter;
        _clock = clock;
        _lastUsed = clock.GetTimestamp();
        _alone = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = partition.PermitLimit,
            Window = partition.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        // Twice the window: a window's key outlives it by one window whatever the clocks' skew.
        _expiry = [(long)(partition.Window.TotalMilliseconds * 2)];
        _keyPrefix = string.Create(CultureInfo.InvariantCulture, $"tenancy:rl:{partition.TenantId:N}:{(long)partition.Window.TotalMilliseconds}:");
    }

    public override TimeSpan? IdleDuration => _clock.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => _alone.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotAttempted;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastUsed, _clock.GetTimestamp());
        var window = FixedWindow.At(_clock.GetUtcNow(), _partition.Window);
        // A window's count only grows: once Redis said it is past the limit, the rest of the window is refused here,
        // so a flood costs no Redis round trip per refused request.
        if (Volatile.Read(ref _fullWindow) == window.Index)
        {
            return TenantRateLimitLease.Rejected(window.Remaining);
        }

        var count = await _counter.IncrementAsync(KeyOf(window.Index), _expiry, cancellationToken);
        if (count is null)
        {
            using var alone = _alone.AttemptAcquire(permitCount);
            return alone.IsAcquired
                ? TenantRateLimitLease.Acquired
                : TenantRateLimitLease.Rejected(alone.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _partition.Window);
        }

        if (count <= _partition.PermitLimit)
        {
            return TenantRateLimitLease.Acquired;
        }

        Volatile.Write(ref _fullWindow, window.Index);
        return TenantRateLimitLease.Rejected(window.Remaining);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _alone.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The window's Redis key, built once per window rather than once per request.</summary>
    private RedisKey[] KeyOf(long index)
    {
        var current = Volatile.Read(ref _current);
        if (current.Index == index)
        {
            return current.Key;
        }

        var next = new WindowKey(index, [(RedisKey)(_keyPrefix + index.ToString(CultureInfo.InvariantCulture))]);
        Volatile.Write(ref _current, next);
        return next.Key;
    }

    private sealed record WindowKey(long Index, RedisKey[] Key);
}
