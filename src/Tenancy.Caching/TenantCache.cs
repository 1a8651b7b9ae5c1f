using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Context;
using Tenancy.Isolation;
using Tenancy.Tenants;
using Tenancy.Telemetry;

namespace Tenancy.Caching;

/// <summary>
/// The cache every tenant-aware read goes through: HybridCache (memory L1, Redis L2, stampede protection) with keys
/// it builds itself from the current tenant, so callers pass only a region and a logical key and can never reach
/// another tenant's entries. Invalidation is by generation (see <see cref="CacheGenerations"/>): a region or a whole
/// tenant at once, on every instance. While Redis is unreachable, reads go straight to their source.
/// </summary>
public sealed partial class TenantCache(
    HybridCache cache,
    CacheGenerations generations,
    TenantCacheBudget budget,
    ITenantContextAccessor tenants,
    TenantCacheTelemetry telemetry,
    IOptions<TenantCacheOptions> options,
    ILogger<TenantCache> logger)
{
    private const string PlatformSpace = "p";

    /// <summary>Gets the current tenant's entry <paramref name="key"/> in <paramref name="region"/>, creating it with <paramref name="factory"/> on a miss.</summary>
    public ValueTask<T> GetOrCreateAsync<T>(string region, string key, Func<CancellationToken, ValueTask<T>> factory, CancellationToken cancellationToken = default)
    {
        var tenant = CurrentTenant();
        return GetOrCreateInSpaceAsync(CacheKeys.TenantScope(tenant.Id), tenant, region, key, factory, cancellationToken);
    }

    /// <summary>Platform entries (no tenant) live in a space of their own.</summary>
    public ValueTask<T> GetOrCreatePlatformAsync<T>(string region, string key, Func<CancellationToken, ValueTask<T>> factory, CancellationToken cancellationToken = default) =>
        GetOrCreateInSpaceAsync(PlatformSpace, null, region, key, factory, cancellationToken);

    // Invalidation never fails a request (it follows a commit): false means Redis did not answer in time, and the
    // bump is delivered in the background as soon as it does (CacheGenerations); this instance bypasses meanwhile.

    /// <summary>Drops every entry of <paramref name="region"/> for the current tenant, on every instance.</summary>
    public Task<bool> InvalidateAsync(string region)
    {
        var tenant = CurrentTenant();
        return BumpAsync(CacheKeys.RegionScope(CacheKeys.TenantScope(tenant.Id), ValidRegion(region)), tenant);
    }

    public Task<bool> InvalidatePlatformAsync(string region) =>
        BumpAsync(CacheKeys.RegionScope(PlatformSpace, ValidRegion(region)), null);

    /// <summary>Drops every entry of one tenant, in one step whatever their number (on suspend, delete, move, or by hand).</summary>
    public Task<bool> PurgeTenantAsync(Guid tenantId) =>
        BumpAsync(CacheKeys.TenantScope(tenantId), null);

    private async ValueTask<T> GetOrCreateInSpaceAsync<T>(
        string space, TenantInfo? tenant, string region, string key, Func<CancellationToken, ValueTask<T>> factory, CancellationToken cancellationToken)
    {
        ValidRegion(region);
        if (string.IsNullOrEmpty(key) || key.Length > options.Value.MaximumKeyLength - 100)
        {
            throw new ArgumentException($"A cache key is 1 to {options.Value.MaximumKeyLength - 100} characters long.", nameof(key));
        }

        using var activity = TenantCacheTelemetry.ActivitySource.StartActivity("cache get", ActivityKind.Internal);
        activity?.SetTag("cache.region", region);
        if (tenant is not null)
        {
            activity.SetTenantTags(tenant);
        }

        var plan = tenant?.Plan ?? "platform";
        var spaceGeneration = await generations.GetAsync(space);
        var regionGeneration = await generations.GetAsync(CacheKeys.RegionScope(space, region));
        if (spaceGeneration is null || regionGeneration is null)
        {
            activity?.SetTag("cache.result", "bypass");
            telemetry.RecordLookup("bypass", plan);
            return await factory(cancellationToken);
        }

        var miss = new StrongBox<bool>();
        // HybridCache runs the factory on a work item that does not flow the caller's ExecutionContext
        // (dotnet/extensions#5648): without it, a miss's queries would lose the trace, the tenant and the log scope.
        var caller = ExecutionContext.Capture();
        var value = await cache.GetOrCreateAsync(
            CacheKeys.Build(space, spaceGeneration.Value, region, regionGeneration.Value, key),
            (factory, miss, caller, budget, tenant),
            static (state, ct) =>
            {
                state.miss.Value = true;
                if (state.tenant is not null)
                {
                    // The entry's write to Redis, after the factory, carries only its key: it finds the tenant's budget here.
                    state.budget.Remember(state.tenant);
                }

                return state.caller is null ? state.factory(ct) : RunInContext(state.caller, state.factory, ct);
            },
            cancellationToken: cancellationToken);

        var result = miss.Value ? "miss" : "hit";
        activity?.SetTag("cache.result", result);
        telemetry.RecordLookup(result, plan);
        return value;
    }

    /// <summary>Starts <paramref name="factory"/> in <paramref name="context"/>; its continuations stay in it.</summary>
    private static ValueTask<T> RunInContext<T>(ExecutionContext context, Func<CancellationToken, ValueTask<T>> factory, CancellationToken cancellationToken)
    {
        ValueTask<T> started = default;
        ExecutionContext.Run(context, _ => started = factory(cancellationToken), null);
        return started;
    }

    private async Task<bool> BumpAsync(string scope, TenantInfo? tenant)
    {
        using var activity = TenantCacheTelemetry.ActivitySource.StartActivity("cache invalidate", ActivityKind.Internal);
        activity?.SetTag("cache.scope", scope);
        if (tenant is not null)
        {
            activity.SetTenantTags(tenant);
        }

        if (await generations.BumpAsync(scope))
        {
            return true;
        }

        activity?.SetStatus(ActivityStatusCode.Error, "Redis did not answer");
        LogInvalidationPending(scope, options.Value.RedisTimeout.TotalMilliseconds);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not answer the invalidation of cache scope {Scope} within {TimeoutMs} ms: retried in the background, bypassed here meanwhile")]
    private partial void LogInvalidationPending(string scope, double timeoutMs);

    private TenantInfo CurrentTenant() => tenants.Current
        ?? throw new TenantContextMissingException("Tenant cache entries need a current tenant; use the platform methods for platform entries.");

    private static string ValidRegion(string region) =>
        region is { Length: > 0 and <= 64 } && region.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')
            ? region
            : throw new ArgumentException("A cache region is 1 to 64 letters, digits, '-' or '.'.", nameof(region));
}
