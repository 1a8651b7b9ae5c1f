using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Tenancy.Caching;

/// <summary>
/// The generation of each cache scope (a tenant, a tenant's region, the platform). Keys embed their scopes'
/// generations, so bumping one makes every key under it unreachable at once, however many there are: purging a
/// tenant is one INCR. Generations live in Redis; each instance keeps the ones it uses in memory and hears of bumps
/// over pub/sub. An instance that cannot reach Redis forgets them all, and so bypasses the cache, rather than
/// risk serving entries another instance has invalidated meanwhile.
/// </summary>
public sealed class CacheGenerations(IConnectionMultiplexer redis)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("tenancy:cache:generations");

    private readonly ConcurrentDictionary<string, long> _local = new(StringComparer.Ordinal);

    /// <summary>The scope's generation, or null when it is unknown and Redis cannot tell (then do not use the cache).</summary>
    public async ValueTask<long?> GetAsync(string scope)
    {
        // Checked first: the connection drops before the ConnectionFailed event clears the local generations, and in
        // that window a known generation would still serve entries this instance can no longer see invalidated.
        if (!redis.IsConnected)
        {
            return null;
        }

        if (_local.TryGetValue(scope, out var generation))
        {
            return generation;
        }

        try
        {
            var stored = await redis.GetDatabase().StringGetAsync(CacheKeys.GenerationPrefix + scope);
            return Apply(scope, stored.HasValue ? (long)stored : 0);
        }
        catch (RedisException)
        {
            return null;
        }
    }

    /// <summary>Moves the scope to a new generation everywhere; throws when Redis is unreachable.</summary>
    public async Task<long> BumpAsync(string scope)
    {
        var next = await redis.GetDatabase().StringIncrementAsync(CacheKeys.GenerationPrefix + scope);
        Apply(scope, next);
        await redis.GetSubscriber().PublishAsync(Channel, $"{next} {scope}");
        return next;
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

    // Generations only move forward, whichever order the reads and announcements arrive in.
    private long Apply(string scope, long generation) =>
        _local.AddOrUpdate(scope, generation, (_, known) => Math.Max(known, generation));
}
