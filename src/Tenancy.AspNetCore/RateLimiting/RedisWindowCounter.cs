using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tenancy.Limits;

namespace Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// Counts requests per tenant and window in Redis, for every Api instance together: one atomic INCRBY (with the key's
/// expiry set by the first) per reservation of permits (see <see cref="TenantRequestLimiter"/>). When Redis does not answer within <see cref="TenantLimitsOptions.RedisTimeout"/>
/// (down, stalled, or no Redis configured), it answers null and stays quiet for
/// <see cref="TenantLimitsOptions.RedisRetryAfter"/>: each instance then counts alone, so requests go on (fail open) without
/// waiting on Redis again and again.
/// </summary>
internal sealed partial class RedisWindowCounter(IServiceProvider services, IOptions<TenantLimitsOptions> options, TimeProvider clock, ILogger<RedisWindowCounter> logger)
{
    private const string IncrementScript = """
        local count = redis.call('INCRBY', KEYS[1], ARGV[2])
        if count == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """;

    private readonly IConnectionMultiplexer? _redis = services.GetService<IConnectionMultiplexer>();
    private long _aloneUntil;

    /// <summary>The window's count after adding <paramref name="permits"/>, or null when this instance must count alone.</summary>
    public async ValueTask<long?> IncrementAsync(RedisKey[] key, long expiryMilliseconds, int permits, CancellationToken cancellationToken)
    {
        var now = clock.GetTimestamp();
        if (_redis is not { IsConnected: true } redis || now < Volatile.Read(ref _aloneUntil))
        {
            return null;
        }

        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(IncrementScript, key, [expiryMilliseconds, permits])
                .WaitAsync(options.Value.RedisTimeout, clock, cancellationToken);
            return (long)result;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // From the failure, not the attempt: a timeout as long as the pause would otherwise end it at once.
            var failedAt = clock.GetTimestamp();
            var until = failedAt + (long)(options.Value.RedisRetryAfter.TotalSeconds * clock.TimestampFrequency);
            if (Interlocked.Exchange(ref _aloneUntil, until) < now)
            {
                LogCountingAlone(options.Value.RedisTimeout.TotalMilliseconds, options.Value.RedisRetryAfter.TotalMilliseconds, exception.GetType().Name);
            }

            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not count a request within {TimeoutMs} ms ({Reason}): tenant rate limits are counted per instance for the next {RetryAfterMs} ms")]
    private partial void LogCountingAlone(double timeoutMs, double retryAfterMs, string reason);
}
