using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tenancy.Caching;

/// <summary>
/// The generation of each cache scope (a tenant, a tenant's region, the platform). Keys embed their scopes'
/// generations, so bumping one makes every key under it unreachable at once, however many there are: purging a
/// tenant is one INCR. Generations live in Redis; each instance keeps the ones it uses in memory and hears of bumps
/// over pub/sub. An instance that cannot reach Redis forgets them all, and so bypasses the cache, rather than
/// risk serving entries another instance has invalidated meanwhile.
/// </summary>
/// <remarks>
/// A bump follows a database commit, so it must neither fail the request nor be lost, and Redis can stall (accept
/// commands and answer none for seconds) as well as refuse. So a bump waits for Redis at most
/// <see cref="TenantCacheOptions.RedisTimeout"/>; if Redis has not answered, the bump stays pending here: this
/// instance bypasses the scope (it never serves what it knows is stale) and <see cref="CacheGenerationSubscriber"/>
/// retries it until Redis answers, when its INCR and announcement reach every instance. Other instances may serve
/// their memory copies while Redis is stalled, but not beyond: they hear the bump within a retry interval of Redis
/// answering again. Generations only move forward, so a timed-out INCR that lands late, next to its retry, costs one
/// extra miss and nothing else.
/// </remarks>
public sealed class CacheGenerations(IConnectionMultiplexer redis, IOptions<TenantCacheOptions> options)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("tenancy:cache:generations");

    private readonly ConcurrentDictionary<string, long> _local = new(StringComparer.Ordinal);

    // Scope → the latest bump not yet delivered; a newer bump replaces it, so delivering an older one clears nothing.
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);
    private long _bumps;

    /// <summary>Bumps not yet delivered to Redis (retried by <see cref="RetryPendingAsync"/>).</summary>
    public int PendingCount => _pending.Count;

    /// <summary>The scope's generation, or null when it is unknown and Redis cannot tell (then do not use the cache).</summary>
    public async ValueTask<long?> GetAsync(string scope)
    {
        // Checked first: the connection drops before the ConnectionFailed event clears the local generations, and in
        // that window a known generation would still serve entries this instance can no longer see invalidated.
        if (!redis.IsConnected || _pending.ContainsKey(scope))
        {
            return null;
        }

        if (_local.TryGetValue(scope, out var generation))
        {
            return generation;
        }

        try
        {
            var stored = await redis.GetDatabase().StringGetAsync(CacheKeys.GenerationPrefix + scope).WaitAsync(options.Value.RedisTimeout);
            return Apply(scope, stored.HasValue ? (long)stored : 0);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Moves the scope to a new generation everywhere. False when Redis did not answer in time: the bump is then
    /// pending (see the remarks) and delivered later. Never throws for Redis.
    /// </summary>
    public Task<bool> BumpAsync(string scope)
    {
        var bump = Interlocked.Increment(ref _bumps);
        _pending[scope] = bump;
        return TryDeliverAsync(scope, bump);
    }

    /// <summary>Delivers the pending bumps, all at once; those Redis still does not answer stay pending.</summary>
    public async Task RetryPendingAsync()
    {
        if (_pending.IsEmpty || !redis.IsConnected)
        {
            return;
        }

        await Task.WhenAll(_pending.Select(pending => TryDeliverAsync(pending.Key, pending.Value)));
    }

    /// <summary>A bump announced by an instance (this one included).</summary>
    public void OnAnnounced(string message)
    {
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && long.TryParse(message.AsSpan(0, space), out var generation))
        {
            Apply(message[(space + 1)..], generation);
        }
    }

    /// <summary>Called when the connection to Redis drops or comes back: bumps may have been missed.</summary>
    public void Forget() => _local.Clear();

    private async Task<bool> TryDeliverAsync(string scope, long bump)
    {
        var timeout = options.Value.RedisTimeout;
        try
        {
            var next = await redis.GetDatabase().StringIncrementAsync(CacheKeys.GenerationPrefix + scope).WaitAsync(timeout);
            Apply(scope, next);
            await redis.GetSubscriber().PublishAsync(Channel, $"{next} {scope}").WaitAsync(timeout);
            _pending.TryRemove(KeyValuePair.Create(scope, bump));
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    // Generations only move forward, whichever order the reads and announcements arrive in.
    private long Apply(string scope, long generation) =>
        _local.AddOrUpdate(scope, generation, (_, known) => Math.Max(known, generation));
}
