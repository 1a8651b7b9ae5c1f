using Tenancy.Caching;

namespace Tenancy.UnitTests.Caching;

/// <summary>Which tenant a cache key belongs to: what a write to Redis is counted against.</summary>
public sealed class CacheKeysTests
{
    [Fact]
    public void A_tenant_key_names_its_tenant()
    {
        var tenant = Guid.CreateVersion7();
        Assert.True(CacheKeys.TryGetTenant(CacheKeys.Build(CacheKeys.TenantScope(tenant), 3, "products", 1, "page:0"), out var found));
        Assert.Equal(tenant, found);
    }

    [Theory]
    [InlineData("p:0:catalogue:0:plans")]
    [InlineData("t:not-a-guid-at-all-but-32-chars!:0:r:0:k")]
    [InlineData("t:0123456789abcdef0123456789abcdef")]
    [InlineData("x:t:0123456789abcdef0123456789abcdef:0:r:0:k")]
    [InlineData("")]
    public void Any_other_key_names_no_tenant(string key) => Assert.False(CacheKeys.TryGetTenant(key, out _));
}
