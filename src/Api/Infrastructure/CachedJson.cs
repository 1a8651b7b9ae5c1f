using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tenancy.Caching;

namespace Tenancy.Api.Infrastructure;

/// <summary>
/// Answers cached as the JSON bytes they are sent as: serialized once, when the entry is made, and written as they are
/// on every hit, where a cached object would be serialized again for each request.
/// </summary>
internal static class CachedJson
{
    public static async Task<IResult> GetOrCreateJsonAsync<T>(
        this TenantCache cache, string region, string key, Func<CancellationToken, ValueTask<T>> factory, JsonTypeInfo<T> json, CancellationToken cancellationToken)
    {
        var utf8 = await cache.GetOrCreateAsync(region, key, async ct => JsonSerializer.SerializeToUtf8Bytes(await factory(ct), json), cancellationToken);
        return TypedResults.Bytes(utf8, "application/json; charset=utf-8");
    }
}
