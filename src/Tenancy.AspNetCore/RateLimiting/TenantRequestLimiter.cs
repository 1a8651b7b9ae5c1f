using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;
using Tenancy.Limits;

namespace Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// One tenant's request limit: a fixed window on the wall clock counted in Redis across instances
/// (<see cref="RedisWindowCounter"/>), and an in-process fixed window of the same size for when Redis cannot count.
/// The instance reserves permits from the window's count ahead of use, and requests spend them without a round trip
/// to Redis (synchronously, when some are left). Reservations double within a window, from 1 up to
/// 1/<see cref="ReservationShare"/> of the limit, one in flight at a time: a tenant that makes few requests costs one
/// round trip each, as before, and a busy tenant one per many. The count in Redis only grows, so all instances
/// together never admit more than the limit; permits one instance holds unused when the window runs out are refused
/// to the others (at most one reservation's worth per instance).
/// </summary>
internal sealed class TenantRequestLimiter : RateLimiter
{
    /// <summary>The largest reservation is this fraction of the limit; a limit below it reserves one permit at a time.</summary>
    public const int ReservationShare = 32;

    private static readonly RateLimitLease NotAttempted = TenantRateLimitLease.Rejected(TimeSpan.Zero);

    private readonly TenantPartition _partition;
    private readonly RedisWindowCounter _counter;
    private readonly TimeProvider _clock;
    private readonly FixedWindowRateLimiter _alone;
    private readonly long _expiryMilliseconds;
    private readonly string _keyPrefix;
    private readonly int _largestReservation;
    private readonly Lock _gate = new();
    private WindowKey _current = new(-1, []);
    private long _lastUsed;
    private long _fullWindow = -1;

    // Guarded by _gate: the permits this instance holds for window _heldWindow, and the reservation under way.
    private long _heldWindow = -1;
    private int _held;
    private int _nextReservation = 1;
    private Task<Reservation>? _reserving;

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
        _expiryMilliseconds = (long)(partition.Window.TotalMilliseconds * 2);
        _keyPrefix = string.Create(CultureInfo.InvariantCulture, $"tenancy:rl:{partition.TenantId:N}:{(long)partition.Window.TotalMilliseconds}:");
        _largestReservation = Math.Max(1, partition.PermitLimit / ReservationShare);
    }

    private enum Reservation
    {
        Reserved,
        Full,
        CountAlone,
    }

    public override TimeSpan? IdleDuration => _clock.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => _alone.GetStatistics();

    /// <summary>Succeeds when a reserved permit is left; otherwise the middleware asks <see cref="AcquireAsyncCore"/>, which may reserve more.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Volatile.Write(ref _lastUsed, _clock.GetTimestamp());
        return TryTakeHeld(FixedWindow.At(_clock.GetUtcNow(), _partition.Window).Index, permitCount) ? TenantRateLimitLease.Acquired : NotAttempted;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastUsed, _clock.GetTimestamp());
        while (true)
        {
            var window = FixedWindow.At(_clock.GetUtcNow(), _partition.Window);
            if (TryTakeHeld(window.Index, permitCount))
            {
                return TenantRateLimitLease.Acquired;
            }

            // A window's count only grows: once Redis said it is past the limit, the rest of the window is refused
            // here, so a flood costs no Redis round trip per refused request.
            if (Volatile.Read(ref _fullWindow) == window.Index)
            {
                return TenantRateLimitLease.Rejected(window.Remaining);
            }

            Task<Reservation> reserving;
            lock (_gate)
            {
                // A new window starts again from one permit: the tenant may have gone quiet.
                reserving = _reserving ??= ReserveAsync(window.Index, _heldWindow == window.Index ? _nextReservation : 1);
            }

            var outcome = await reserving.WaitAsync(cancellationToken);
            lock (_gate)
            {
                if (_reserving == reserving)
                {
                    _reserving = null;
                }
            }

            if (outcome == Reservation.CountAlone)
            {
                using var alone = _alone.AttemptAcquire(permitCount);
                return alone.IsAcquired
                    ? TenantRateLimitLease.Acquired
                    : TenantRateLimitLease.Rejected(alone.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _partition.Window);
            }

            // Reserved or full: take from what is held now, or be refused for the rest of the window.
        }
    }

    private bool TryTakeHeld(long window, int permitCount)
    {
        lock (_gate)
        {
            if (_heldWindow != window || _held < permitCount)
            {
                return false;
            }

            _held -= permitCount;
            return true;
        }
    }

    private async Task<Reservation> ReserveAsync(long window, int permits)
    {
        // Shared by the requests waiting for it, so none of their tokens may cancel it.
        var count = await _counter.IncrementAsync(KeyOf(window), _expiryMilliseconds, permits, CancellationToken.None);
        if (count is null)
        {
            return Reservation.CountAlone;
        }

        // Of the permits just counted, those still under the limit are this instance's.
        var granted = (int)Math.Clamp(_partition.PermitLimit - (count.Value - permits), 0, permits);
        lock (_gate)
        {
            if (window > _heldWindow)
            {
                (_heldWindow, _held) = (window, 0);
            }

            // A reservation for a window that has ended while it was under way is of no use any more.
            if (window == _heldWindow)
            {
                _held += granted;
                _nextReservation = Math.Min(permits * 2, _largestReservation);
            }
        }

        if (granted == 0)
        {
            Volatile.Write(ref _fullWindow, window);
            return Reservation.Full;
        }

        return Reservation.Reserved;
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
