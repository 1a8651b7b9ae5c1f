using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tenancy.Jobs.Fairness;

/// <summary>
/// Each tenant's running jobs, counted in Redis for every Worker together: a job takes a slot as it starts and gives
/// it back as it leaves Processing. A slot also lapses after <see cref="TenantJobsOptions.InvisibilityTimeout"/>,
/// when a killed Worker's job is taken again anyway, so a dead Worker never holds a tenant's slots for good.
/// </summary>
internal sealed partial class TenantJobSlots(
    IConnectionMultiplexer redis,
    IOptions<TenantJobsOptions> options,
    TimeProvider clock,
    ILogger<TenantJobSlots> logger)
{
    // KEYS[1]: the tenant's running jobs (sorted set, job id → slot expiry in ms). ARGV: now, job, expiry, limit.
    private const string TakeScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if not redis.call('ZSCORE', KEYS[1], ARGV[2]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
          return 0
        end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
        redis.call('PEXPIREAT', KEYS[1], ARGV[3])
        return 1
        """;

    /// <summary>Takes a slot for <paramref name="jobId"/>; false when the tenant already runs <paramref name="limit"/> jobs.</summary>
    public bool TryTake(Guid tenantId, string jobId, int limit)
    {
        // Without Redis nothing can be counted across Workers: jobs run as they come (as fairness does).
        if (!redis.IsConnected)
        {
            return true;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            return (long)redis.GetDatabase().ScriptEvaluate(
                TakeScript, [Key(tenantId)], [now, jobId, now + (long)options.Value.InvisibilityTimeout.TotalMilliseconds, limit]) == 1;
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogSlotsUnavailable(ex);
            return true;
        }
    }

    public void Release(Guid tenantId, string jobId)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            redis.GetDatabase().SortedSetRemove(Key(tenantId), jobId, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            // The slot lapses by itself.
            LogSlotsUnavailable(ex);
        }
    }

    private static RedisKey Key(Guid tenantId) => $"tenancy:jobs:running:{{{tenantId:N}}}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot count tenants' running jobs: Redis is unreachable; jobs run without their tenant's concurrency limit")]
    private partial void LogSlotsUnavailable(Exception exception);
}
