namespace Tenancy.Caching;

/// <summary>
/// The one place cache keys are built. Every key starts with its space, owned by the cache itself:
/// <c>t:{tenantId}:{tenant generation}:{region}:{region generation}:{logical key}</c> for a tenant, <c>p:…</c> for the platform.
/// A logical key only ever follows that prefix, so whatever it contains it cannot reach another space.
/// </summary>
internal static class CacheKeys
{
    public const string GenerationPrefix = "tenancy:gen:";

    public static string TenantScope(Guid tenantId) => $"t:{tenantId:N}";

    /// <summary>The tenant whose space <paramref name="key"/> is in; false for platform keys and anything else.</summary>
    public static bool TryGetTenant(string key, out Guid tenantId)
    {
        tenantId = default;
        return key.Length > 35 && key.StartsWith("t:", StringComparison.Ordinal) && key[34] == ':'
            && Guid.TryParseExact(key.AsSpan(2, 32), "N", out tenantId);
    }

    public static string RegionScope(string space, string region) => $"{space}/{region}";

    public static string Build(string space, long spaceGeneration, string region, long regionGeneration, string key) =>
        $"{space}:{spaceGeneration}:{region}:{regionGeneration}:{key}";
}
