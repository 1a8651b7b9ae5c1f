using Microsoft.Extensions.Options;
using Tenancy.AspNetCore.RateLimiting;
using Tenancy.Limits;
using Tenancy.Tenants;

namespace Tenancy.UnitTests.Limits;

/// <summary>Which limit a tenant has (plan, then its overrides), what it is counted under, and the windows' arithmetic.</summary>
public sealed class TenantLimitsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_tenant_without_overrides_has_its_plans_limits()
    {
        var limits = TenantLimits.Resolve(new PlanQuota { RequestsPerWindow = 100, MaxDataBytes = 5_000, MaxCacheEntries = 50, MaxConcurrentJobs = 2 }, Window, null);
        Assert.Equal(new TenantLimits(100, Window, 5_000, 50, 2, Overrides: null), limits);
        Assert.False(limits.RequestsOverridden || limits.DataOverridden || limits.CacheEntriesOverridden || limits.ConcurrentJobsOverridden);
    }

    [Fact]
    public void Each_override_replaces_only_its_own_limit()
    {
        var plan = new PlanQuota { RequestsPerWindow = 100, MaxDataBytes = 5_000, MaxCacheEntries = 50, MaxConcurrentJobs = 2 };
        var requests = TenantLimits.Resolve(plan, Window, new LimitOverrides(7, null, null, null));
        Assert.Equal((7, 5_000L, 50, 2), (requests.RequestsPerWindow, requests.MaxDataBytes, requests.MaxCacheEntries, requests.MaxConcurrentJobs));
        Assert.Equal((true, false, false, false), (requests.RequestsOverridden, requests.DataOverridden, requests.CacheEntriesOverridden, requests.ConcurrentJobsOverridden));

        var data = TenantLimits.Resolve(plan, Window, new LimitOverrides(null, 9, null, null));
        Assert.Equal((100, 9L, 50, 2), (data.RequestsPerWindow, data.MaxDataBytes, data.MaxCacheEntries, data.MaxConcurrentJobs));
        Assert.Equal((false, true, false, false), (data.RequestsOverridden, data.DataOverridden, data.CacheEntriesOverridden, data.ConcurrentJobsOverridden));

        var cache = TenantLimits.Resolve(plan, Window, new LimitOverrides(null, null, 3, null));
        Assert.Equal((100, 5_000L, 3, 2), (cache.RequestsPerWindow, cache.MaxDataBytes, cache.MaxCacheEntries, cache.MaxConcurrentJobs));
        Assert.Equal((false, false, true, false), (cache.RequestsOverridden, cache.DataOverridden, cache.CacheEntriesOverridden, cache.ConcurrentJobsOverridden));

        var jobs = TenantLimits.Resolve(plan, Window, new LimitOverrides(null, null, null, 40));
        Assert.Equal((100, 5_000L, 50, 40), (jobs.RequestsPerWindow, jobs.MaxDataBytes, jobs.MaxCacheEntries, jobs.MaxConcurrentJobs));
        Assert.Equal((false, false, false, true), (jobs.RequestsOverridden, jobs.DataOverridden, jobs.CacheEntriesOverridden, jobs.ConcurrentJobsOverridden));
    }

    [Fact]
    public void An_unknown_plan_is_unlimited_in_data_but_still_rate_limited() =>
        Assert.Equal(new TenantLimits(new PlanQuota().RequestsPerWindow, Window, null, null, null, null), TenantLimits.Resolve(null, Window, null));

    [Fact]
    public void The_resolver_reads_the_plan_and_the_registry_overrides_of_a_snapshot()
    {
        var resolver = new TenantLimitResolver(Options.Create(new TenantLimitsOptions()));
        var standard = Tenant("standard", null);
        var boosted = standard with { LimitOverrides = new LimitOverrides(RequestsPerWindow: 5_000, MaxDataBytes: null, MaxCacheEntries: null, MaxConcurrentJobs: null) };

        Assert.Equal(1_000, resolver.For(standard).RequestsPerWindow);
        Assert.Equal(5_000, resolver.For(boosted).RequestsPerWindow);
        Assert.Equal(5L * 1024 * 1024 * 1024, resolver.For(boosted).MaxDataBytes);
        Assert.Same(resolver.For(standard), resolver.For(standard));
    }

    [Fact]
    public void Partition_keys_separate_tenants_and_change_with_the_limit()
    {
        var resolver = new TenantLimitResolver(Options.Create(new TenantLimitsOptions()));
        var acme = Tenant("standard", null);
        var globex = Tenant("standard", null);
        var acmeBoosted = acme with { LimitOverrides = new LimitOverrides(50, null, null, null) };

        Assert.Equal(TenantPartition.Of(acme, resolver.For(acme)), TenantPartition.Of(acme with { Name = "renamed" }, resolver.For(acme with { Name = "renamed" })));
        Assert.NotEqual(TenantPartition.Of(acme, resolver.For(acme)), TenantPartition.Of(globex, resolver.For(globex)));
        Assert.NotEqual(TenantPartition.Of(acme, resolver.For(acme)), TenantPartition.Of(acmeBoosted, resolver.For(acmeBoosted)));
    }

    [Theory]
    [InlineData(0, 0, 10_000)]
    [InlineData(9_999, 0, 1)]
    [InlineData(10_000, 1, 10_000)]
    [InlineData(25_500, 2, 4_500)]
    public void A_window_is_a_slice_of_unix_time(long unixMs, long index, long remainingMs)
    {
        var window = FixedWindow.At(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), Window);
        Assert.Equal(index, window.Index);
        Assert.Equal(TimeSpan.FromMilliseconds(remainingMs), window.Remaining);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(999, 1)]
    [InlineData(1_001, 2)]
    [InlineData(10_000, 10)]
    public void Retry_after_is_whole_seconds_and_never_zero(long remainingMs, int seconds) =>
        Assert.Equal(seconds, new FixedWindow(0, TimeSpan.FromMilliseconds(remainingMs)).RetryAfterSeconds);

    [Fact]
    public void Options_name_what_is_wrong()
    {
        Assert.Null(new TenantLimitsOptions().Problem(["trial", "standard", "enterprise"]));
        Assert.Contains("'gold'", new TenantLimitsOptions().Problem(["standard", "gold"]));
        Assert.Contains("Window", new TenantLimitsOptions { Window = TimeSpan.FromMilliseconds(10) }.Problem([]));
        Assert.Contains("RedisTimeout", new TenantLimitsOptions { RedisTimeout = TimeSpan.Zero }.Problem([]));
        var zero = new TenantLimitsOptions();
        zero.Plans["standard"] = new PlanQuota { RequestsPerWindow = 0 };
        Assert.Contains("Plans:standard", zero.Problem([]));
        var noCache = new TenantLimitsOptions();
        noCache.Plans["trial"] = new PlanQuota { MaxCacheEntries = 0 };
        Assert.Contains("Plans:trial", noCache.Problem([]));
    }

    [Fact]
    public void The_cache_budget_and_job_cap_come_from_the_plan_unless_the_tenant_has_its_own()
    {
        var plan = new PlanQuota { RequestsPerWindow = 100, MaxCacheEntries = 250, MaxConcurrentJobs = 3 };
        var others = TenantLimits.Resolve(plan, Window, new LimitOverrides(7, 9, null, null));
        Assert.Equal((250, 3), (others.MaxCacheEntries, others.MaxConcurrentJobs));
        Assert.Null(TenantLimits.Resolve(new PlanQuota(), Window, null).MaxCacheEntries);
        var unknownPlan = TenantLimits.Resolve(null, Window, new LimitOverrides(null, null, 12, 1));
        Assert.Equal((12, 1), (unknownPlan.MaxCacheEntries, unknownPlan.MaxConcurrentJobs));
        var trial = new TenantLimitResolver(Options.Create(new TenantLimitsOptions())).For(Tenant("trial", null));
        Assert.Equal((1_000, 2), (trial.MaxCacheEntries, trial.MaxConcurrentJobs));
        var noJobs = new TenantLimitsOptions();
        noJobs.Plans["standard"] = new PlanQuota { MaxConcurrentJobs = 0 };
        Assert.Contains("MaxConcurrentJobs", noJobs.Problem([]));
    }

    [Fact]
    public void The_refusal_names_the_tenant_its_limit_and_where_it_comes_from()
    {
        var tenant = Tenant("trial", null) with { Identifier = "acme" };
        var fromPlan = TenantRateLimiting.Problem(tenant, new TenantLimits(100, Window, null, null, null, null), 3);
        Assert.Equal(429, fromPlan.Status);
        Assert.Equal("Tenant 'acme' may make 100 requests per 10 s (requestsPerWindow, plan 'trial'); try again in 3 s.", fromPlan.Detail);
        Assert.Equal("requestsPerWindow", fromPlan.Extensions["limit"]);
        Assert.Contains("set for this tenant", TenantRateLimiting.Problem(tenant, new TenantLimits(5, Window, null, null, null, new LimitOverrides(5, null, null, null)), 1).Detail);
    }

    internal static TenantInfo Tenant(string plan, LimitOverrides? overrides) =>
        new(Guid.CreateVersion7(), "t-" + Guid.NewGuid().ToString("N")[..8], "T", TenantStatus.Active, TenantIsolation.Schema, "t_x", plan, PlanLimits.Unlimited, LimitOverrides: overrides);
}
