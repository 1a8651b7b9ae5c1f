using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tenancy.Jobs.Fairness;

/// <summary>
/// Counts each tenant's enqueued jobs per window in Redis, shared by every Api and Worker instance. A tenant is over its
/// burst when it enqueued more than <see cref="TenantJobsOptions.BurstLimit"/> jobs in this window or the previous
/// one, so a tenant that keeps flooding stays demoted across window boundaries, and one that stops is forgiven within
/// two windows. Keys expire by themselves: nothing to decrement, nothing to drift.
/// </summary>
internal sealed partial class TenantBurstMeter(
    IConnectionMultiplexer redis,
    IOptions<TenantJobsOptions> options,
    TimeProvider clock,
    ILogger<TenantBurstMeter> logger)
{
    // One round trip: count this job in the current window (which expires after two), read the previous window.
    private const string CountScript = """
        local current = redis.call('INCR', KEYS[1])
        if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
        return { current, previous }
        """;

    /// <summary>Counts one more job of <paramref name="tenantId"/>; true when the tenant is over its burst.</summary>
    public bool CountAndCheck(Guid tenantId)
    {
        // Fairness needs Redis; without it jobs still flow, first come first served.
        if (!redis.IsConnected)
        {
            return false;
        }

        var window = options.Value.BurstWindow;
        var index = clock.GetUtcNow().ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;
        // The hash tag keeps both windows of a tenant on one Redis Cluster slot.
        var prefix = $"tenancy:jobs:burst:{{{tenantId:N}}}:";
        try
        {
            var counts = (long[]?)redis.GetDatabase().ScriptEvaluate(
                CountScript,
                [prefix + index, prefix + (index - 1)],
                [(long)(window * 2).TotalMilliseconds]);
            var limit = options.Value.BurstLimit;
            return counts is [var current, var previous] && (current > limit || previous > limit);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogMeterUnavailable(ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot count tenant job bursts: Redis is unreachable; jobs go to the default queue")]
    private partial void LogMeterUnavailable(Exception exception);
}
