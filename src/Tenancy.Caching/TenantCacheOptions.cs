using System.Text.Json.Serialization.Metadata;

namespace Tenancy.Caching;

/// <summary>Configuration section <c>Tenancy:Cache</c>.</summary>
public sealed class TenantCacheOptions
{
    public const string SectionName = "Tenancy:Cache";

    /// <summary>How long an entry lives in Redis (L2).</summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an entry lives in each instance's memory (L1); invalidations reach it at once anyway.</summary>
    public TimeSpan LocalExpiration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a generation read or bump waits for Redis before the cache is bypassed (reads) or the bump is left
    /// to the background (writes): a stalled Redis must not hold a request whose commit is done.
    /// </summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    public int MaximumPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// What each instance's memory (L1) holds at most, in payload bytes, whatever the number of tenants: past it the
    /// least recently used entries go (and are read from Redis again).
    /// </summary>
    public long LocalSizeLimitBytes { get; set; } = 64L * 1024 * 1024;

    public int MaximumKeyLength { get; set; } = 512;

    /// <summary>Source-generated JSON metadata for every cached type (no reflection on the hot path).</summary>
    public IJsonTypeInfoResolver? JsonTypeInfoResolver { get; set; }
}
