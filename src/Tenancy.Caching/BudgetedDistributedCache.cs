using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tenancy.Caching;

/// <summary>
/// HybridCache's Redis tier with each tenant's writes counted against its <see cref="TenantCacheBudget"/>: an entry
/// past the budget is not written (HybridCache keeps it in memory).
/// Reads and platform entries pass straight through.
/// </summary>
internal sealed class BudgetedDistributedCache(
    RedisCache redis,
    TenantCacheBudget budget,
    TenantCacheTelemetry telemetry,
    IOptions<TenantCacheOptions> options,
    TimeProvider clock) : IBufferDistributedCache
{
    private readonly IBufferDistributedCache _redis = redis;

    public byte[]? Get(string key) => _redis.Get(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => _redis.GetAsync(key, token);

    public bool TryGet(string key, IBufferWriter<byte> destination) => _redis.TryGet(key, destination);

    public ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default) =>
        _redis.TryGetAsync(key, destination, token);

    // HybridCache writes asynchronously; the synchronous writes exist for IDistributedCache's other callers.
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (AdmitAsync(key, value.Length, options, CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            _redis.Set(key, value, options);
        }
    }

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        if (AdmitAsync(key, value.Length, options, CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            _redis.Set(key, value, options);
        }
    }

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (await AdmitAsync(key, value.Length, options, token))
        {
            await _redis.SetAsync(key, value, options, token);
        }
    }

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (await AdmitAsync(key, value.Length, options, token))
        {
            await _redis.SetAsync(key, value, options, token);
        }
    }

    public void Refresh(string key) => _redis.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => _redis.RefreshAsync(key, token);

    public void Remove(string key) => _redis.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => _redis.RemoveAsync(key, token);

    private async ValueTask<bool> AdmitAsync(string key, long bytes, DistributedCacheEntryOptions entry, CancellationToken cancellationToken)
    {
        if (!CacheKeys.TryGetTenant(key, out var tenantId))
        {
            return true;
        }

        var writer = budget.Writer(tenantId);
        CacheAdmission admission;
        try
        {
            admission = await budget.AdmitAsync(tenantId, writer, key, ExpiresAt(entry), bytes, cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Redis cannot count, so it would not take the entry either: the entry stays in memory.
            return false;
        }

        if (!admission.Admitted)
        {
            telemetry.RecordBudgetRefusal(writer?.Plan ?? "unknown");
        }

        return admission.Admitted;
    }

    private DateTimeOffset ExpiresAt(DistributedCacheEntryOptions entry)
    {
        var now = clock.GetUtcNow();
        return entry.AbsoluteExpiration
            ?? now + (entry.AbsoluteExpirationRelativeToNow ?? entry.SlidingExpiration ?? options.Value.Expiration);
    }
}
