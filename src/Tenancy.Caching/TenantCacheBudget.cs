using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tenancy.Limits;
using Tenancy.Tenants;
using Tenancy.Usage;

namespace Tenancy.Caching;

/// <summary>
/// Each tenant's share of Redis: the entries it holds there (at most its plan's <see cref="PlanQuota.MaxCacheEntries"/>)
/// and their bytes, kept in Redis beside the entries, so every instance counts into the same budget. An entry counts
/// from its write until its expiry; past the budget, a new entry stays in the writing instance's memory only. The
/// bytes are the tenant's cache usage, metered per day.
/// </summary>
/// <remarks>
/// Entries Redis evicts under its own <c>maxmemory</c> still count until they would have expired: the budget errs
/// on the side of the other tenants. A tenant's budget keys expire with its last entry.
/// </remarks>
public sealed class TenantCacheBudget(
    IConnectionMultiplexer redis,
    TenantLimitResolver limits,
    IServiceProvider services,
    IOptions<TenantCacheOptions> options,
    TimeProvider clock)
{
    // KEYS: 1 the tenant's entries by expiry (sorted set, ms), 2 their sizes (hash), 3 their total bytes. ARGV[1]: now (ms).
    // Expired entries leave the budget in slices, so one call never blocks Redis for long.
    private const string Prune = """
        for _ = 1, 20 do
          local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
          if #expired == 0 then break end
          local freed = 0
          for _, size in ipairs(redis.call('HMGET', KEYS[2], unpack(expired))) do
            if size then freed = freed + tonumber(size) end
          end
          redis.call('ZREM', KEYS[1], unpack(expired))
          redis.call('HDEL', KEYS[2], unpack(expired))
          redis.call('DECRBY', KEYS[3], freed)
          if #expired < 500 then break end
        end
        """;

    // ARGV: 2 the entry, 3 its expiry (ms), 4 its bytes, 5 the tenant's budget (0: none). Returns { admitted, bytes, entries }.
    private const string AdmitScript = Prune + """

        local previous = redis.call('HGET', KEYS[2], ARGV[2])
        local budget = tonumber(ARGV[5])
        if not previous and budget > 0 and redis.call('ZCARD', KEYS[1]) >= budget then
          return { 0, tonumber(redis.call('GET', KEYS[3]) or '0'), redis.call('ZCARD', KEYS[1]) }
        end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
        local bytes = redis.call('INCRBY', KEYS[3], tonumber(ARGV[4]) - tonumber(previous or '0'))
        local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]
        for i = 1, 3 do redis.call('PEXPIREAT', KEYS[i], last) end
        return { 1, bytes, redis.call('ZCARD', KEYS[1]) }
        """;

    // Returns { bytes, entries }.
    private const string MeasureScript = Prune + """

        return { tonumber(redis.call('GET', KEYS[3]) or '0'), redis.call('ZCARD', KEYS[1]) }
        """;

    // The tenants whose entries this instance created: a write to Redis carries only the key, not the tenant.
    private readonly ConcurrentDictionary<Guid, TenantInfo> _writers = new();
    private readonly UsageMeter? _meter = services.GetService<UsageMeter>();

    /// <summary>Notes the tenant (its latest snapshot, so its plan's budget) that is about to write an entry.</summary>
    internal void Remember(TenantInfo tenant) => _writers[tenant.Id] = tenant;

    /// <summary>The budget of the tenant of <paramref name="tenantId"/>, as last remembered (null: none).</summary>
    internal TenantInfo? Writer(Guid tenantId) => _writers.GetValueOrDefault(tenantId);

    /// <summary>Counts an entry of <paramref name="tenant"/> into its budget, unless the budget is full.</summary>
    internal async Task<CacheAdmission> AdmitAsync(Guid tenantId, TenantInfo? tenant, string entry, DateTimeOffset expiresAt, long bytes, CancellationToken cancellationToken)
    {
        var budget = tenant is null ? null : limits.For(tenant).MaxCacheEntries;
        var result = (long[]?)await redis.GetDatabase().ScriptEvaluateAsync(
                AdmitScript, Keys(tenantId), [Now(), entry, expiresAt.ToUnixTimeMilliseconds(), bytes, budget ?? 0])
            .WaitAsync(options.Value.RedisTimeout, clock, cancellationToken);
        if (result is not [var admitted, var total, var entries])
        {
            throw new RedisException("The cache budget script answered an unexpected shape.");
        }

        _meter?.RecordCacheBytes(tenantId, total);
        return new CacheAdmission(admitted == 1, new CacheUsage(total, entries));
    }

    /// <summary>What the tenant holds in Redis now (recorded for today's usage), or null when Redis does not answer.</summary>
    public async Task<CacheUsage?> MeasureAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = (long[]?)await redis.GetDatabase().ScriptEvaluateAsync(MeasureScript, Keys(tenantId), [Now()])
                .WaitAsync(options.Value.RedisTimeout, clock, cancellationToken);
            if (result is not [var bytes, var entries])
            {
                return null;
            }

            _meter?.RecordCacheBytes(tenantId, bytes);
            return new CacheUsage(bytes, entries);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    // The hash tag keeps a tenant's three keys on one Redis Cluster slot, as a script needs.
    private static RedisKey[] Keys(Guid tenantId)
    {
        var tag = $"{{{tenantId:N}}}";
        return [$"tenancy:cache:entries:{tag}", $"tenancy:cache:sizes:{tag}", $"tenancy:cache:bytes:{tag}"];
    }
}

/// <summary>A tenant's entries in Redis and their payload bytes.</summary>
public sealed record CacheUsage(long Bytes, long Entries);

/// <summary>Whether an entry may go to Redis, and the tenant's usage after it.</summary>
internal sealed record CacheAdmission(bool Admitted, CacheUsage Usage);
