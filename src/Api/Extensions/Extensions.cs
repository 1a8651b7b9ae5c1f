using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Tenancy.Accounts;
using Tenancy.Api.Files;
using Tenancy.Api.Infrastructure;
using Tenancy.Api.Jobs;
using Tenancy.Api.Migrations;
using Tenancy.Api.Usage;
using Tenancy.AspNetCore;
using Tenancy.AspNetCore.RateLimiting;
using Tenancy.Caching;
using Tenancy.Features;
using Tenancy.Files;
using Tenancy.Jobs;
using Tenancy.Sales;
using Tenancy.Settings;
using Tenancy.Usage;

namespace Tenancy.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddTenancy<SalesDbContext>("tenancydb")
            .WithStartupMigrations()
            .WithSalesPlans()
            // Requests keep being served from PostgreSQL while Redis is away.
            .WithCaching("cache", cache => cache.JsonTypeInfoResolver = JsonTypeInfoResolver.Combine(CachedJsonContext.Default, JobsJsonContext.Default))
            // Enqueues only: the Worker performs the jobs.
            .WithJobs()
            // Users, tokens, and who may call which endpoint (from its RequireTenant/RequirePlatform metadata).
            .WithAccounts()
            .WithUsage()
            .WithRateLimiting()
            // Flags from the FeatureManagement section, targeted per tenant and plan; branding and settings per tenant.
            .WithFeatures()
            .WithSettings()
            // Tenant files in Blob Storage (Azurite locally), a container per tenant.
            .WithFiles("files");
        builder.Services.AddMigrationRuns();
        builder.Services.AddSingleton<UsageReports>();
        builder.Services.AddSingleton<DataQuotaFilter>();
        // Sign-in limits count the client's address: believe X-Forwarded-For from the configured proxies only.
        builder.AddTrustedProxies();

        builder.Services.AddExceptionHandler<TenancyExceptionHandler>();
        builder.Services.AddExceptionHandler<FileExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddValidation();
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        builder.Services.AddOpenApi();
        return builder;
    }
}
