using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Tenancy.Accounts;
using Tenancy.AspNetCore;
using Tenancy.AspNetCore.RateLimiting;
using Tenancy.Caching;
using Tenancy.Features;
using Tenancy.Isolation;
using Tenancy.Limits;
using Tenancy.Migrations;
using Tenancy.Settings;
using Tenancy.Tenants;
using Tenancy.Usage;

namespace Tenancy.UnitTests.Registration;

/// <summary>What the fluent registration guarantees: each capability once, what it builds on added with it, and the order of what must run first.</summary>
public sealed class TenancyBuilderTests
{
    [Fact]
    public void AddTenancy_is_once_per_host_and_says_how_to_extend_it()
    {
        var builder = Builder();
        builder.AddTenancy<NotesDbContext>("tenancydb");
        var twice = Assert.Throws<InvalidOperationException>(() => builder.AddTenancy<NotesDbContext>("tenancydb"));
        Assert.Contains("WithXxx", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTenancy_without_its_connection_string_names_the_setting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var missing = Assert.Throws<InvalidOperationException>(() => builder.AddTenancy<NotesDbContext>("tenancydb"));
        Assert.Contains("ConnectionStrings__tenancydb", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_capability_registers_once_however_often_and_in_whatever_order_it_is_asked_for()
    {
        var once = Builder();
        once.AddTenancy<NotesDbContext>("tenancydb").WithUsage().WithCaching("cache").WithRateLimiting().WithFeatures().WithSettings();
        var repeated = Builder();
        repeated.AddTenancy<NotesDbContext>("tenancydb").WithSettings().WithFeatures().WithRateLimiting().WithCaching("cache").WithUsage().WithLimits().WithUsage()
            .WithCaching("cache").WithFeatures().WithRateLimiting().WithSettings();

        Assert.Equal(Registrations(once.Services), Registrations(repeated.Services));
        Assert.Single(once.Services, service => service.ServiceType == typeof(TenantLimitResolver));
        Assert.Single(once.Services, service => service.ServiceType == typeof(UsageMeter));
        Assert.Single(once.Services, service => service.ServiceType == typeof(IConnectionMultiplexer));
        Assert.Single(once.Services, service => service.ServiceType == typeof(Tenancy.Features.TenantFeatures));
        Assert.Single(once.Services, service => service.ServiceType == typeof(Microsoft.FeatureManagement.IFeatureManager));
        Assert.Single(once.Services, service => service.ServiceType == typeof(Tenancy.Settings.TenantSettingsService));
    }

    [Fact]
    public void A_capability_adds_what_it_builds_on()
    {
        var builder = Builder();
        builder.AddTenancy<NotesDbContext>("tenancydb").WithAccounts().WithCaching("cache");
        using var services = builder.Services.BuildServiceProvider();
        var features = services.GetRequiredService<TenancyFeatures>();

        // Accounts need each request's tenant and bring the sign-in rate limiter; the cache brings Redis and the plans' limits.
        Assert.True(features.Contains(TenancyFeatures.RequestResolution));
        Assert.True(features.Contains(TenancyFeatures.RateLimiter));
        Assert.True(features.Contains(TenancyFeatures.Authentication));
        Assert.False(features.Contains(TenancyFeatures.Usage));
        Assert.Contains(builder.Services, service => service.ServiceType == typeof(TenantLimitResolver));
        Assert.Contains(builder.Services, service => service.ServiceType == typeof(IConnectionMultiplexer));
    }

    [Fact]
    public void Startup_migrations_start_before_every_other_hosted_service_even_when_added_last()
    {
        var builder = Builder();
        builder.AddTenancy<NotesDbContext>("tenancydb").WithCaching("cache").WithUsage().WithStartupMigrations(migrations => migrations.Parallelism = 2);

        var hosted = builder.Services.Where(service => service.ServiceType == typeof(IHostedService)).ToList();
        Assert.True(hosted.Count > 2, "the cache and usage bring hosted services of their own");
        Assert.Equal("StartupMigrationService", hosted[0].ImplementationType?.Name);
        Assert.Single(hosted, service => service.ImplementationType?.Name == "StartupMigrationService");
    }

    [Fact]
    public void Startup_migration_settings_are_validated_at_start()
    {
        var builder = Builder(new() { ["Tenancy:Migrations:Parallelism"] = "0", ["Tenancy:Migrations:OnStartup"] = "Wait" });
        builder.AddTenancy<NotesDbContext>("tenancydb").WithStartupMigrations();
        using var services = builder.Services.BuildServiceProvider();

        var invalid = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StartupMigrationOptions>>().Value);
        Assert.Contains("Tenancy:Migrations:Parallelism", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseTenancy_without_request_resolution_says_what_is_missing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(Settings(null));
        builder.AddTenancy<NotesDbContext>("tenancydb");
        using var app = builder.Build();

        var missing = Assert.Throws<InvalidOperationException>(() => app.UseTenancy());
        Assert.Contains("WithRequestResolution", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_limits_come_from_the_application_and_configuration_wins_over_its_defaults()
    {
        var builder = Builder(new() { ["Tenancy:Plans:trial:seats"] = "7", ["Tenancy:Plans:gold:seats"] = "40" });
        builder.AddTenancy<NotesDbContext>("tenancydb")
            .WithPlanLimit("trial", "seats", 2)
            .WithPlanLimit("trial", "rooms", 1)
            .WithPlanLimit("silver", "rooms", 5);
        using var services = builder.Services.BuildServiceProvider();
        var plans = services.GetRequiredService<TenancyOptions>().Plans;

        Assert.Equal(7, plans["trial"]["seats"]);
        Assert.Equal(1, plans["trial"]["rooms"]);
        Assert.Equal(5, plans["silver"]["rooms"]);
        Assert.Equal(40, plans["gold"]["seats"]);
        // The core names no limit of its own.
        Assert.Empty(plans["standard"]);
        Assert.Empty(plans["enterprise"]);
    }

    private static HostApplicationBuilder Builder(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings(settings));
        return builder;
    }

    // Nothing here connects: registration only reads the connection strings.
    private static Dictionary<string, string?> Settings(Dictionary<string, string?>? more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = "Host=127.0.0.1;Port=1;Database=tenancydb;Username=nobody",
            ["ConnectionStrings:cache"] = "127.0.0.1:1",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    private static List<string> Registrations(IServiceCollection services) =>
        [.. services.Select(service => $"{service.ServiceType.FullName} {service.Lifetime}").Order(StringComparer.Ordinal)];

    private sealed class NotesDbContext(DbContextOptions<NotesDbContext> options) : TenantDbContext(options);
}
