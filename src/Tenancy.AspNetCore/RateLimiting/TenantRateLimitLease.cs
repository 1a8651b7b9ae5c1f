using System.Threading.RateLimiting;

namespace Tenancy.AspNetCore.RateLimiting;

/// <summary>A tenant limiter's answer; a refusal says when the window ends (<see cref="MetadataName.RetryAfter"/>).</summary>
internal sealed class TenantRateLimitLease : RateLimitLease
{
    public static readonly TenantRateLimitLease Acquired = new(null);

    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    private readonly TimeSpan? _retryAfter;

    private TenantRateLimitLease(TimeSpan? retryAfter) => _retryAfter = retryAfter;

    public static TenantRateLimitLease Rejected(TimeSpan retryAfter) => new(retryAfter);

    public override bool IsAcquired => _retryAfter is null;

    public override IEnumerable<string> MetadataNames => IsAcquired ? [] : RetryAfterOnly;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = wait;
            return true;
        }

        metadata = null;
        return false;
    }
}
