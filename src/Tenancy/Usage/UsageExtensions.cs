using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenancy.Limits;

namespace Tenancy.Usage;

public static class UsageExtensions
{
    /// <summary>
    /// Usage metering (counts in memory, flushed to <c>tenancy.tenant_usage</c> in batches, metrics on meter
    /// <see cref="UsageTelemetry.MeterName"/>) and the plans' limits (<see cref="TenantLimitsExtensions.WithLimits"/>);
    /// in a web host, <c>UseTenancy</c> then counts every tenant request.
    /// </summary>
    public static TenancyBuilder WithUsage(this TenancyBuilder tenancy)
    {
        if (!tenancy.TryAdd(TenancyFeatures.Usage))
        {
            return tenancy;
        }

        var services = tenancy.Services;
        services.AddOptions<UsageOptions>().Bind(tenancy.Configuration.GetSection(UsageOptions.SectionName))
            .Validate(o => o.FlushInterval >= TimeSpan.FromMilliseconds(100), $"{UsageOptions.SectionName}:FlushInterval is at least 100 ms.")
            .ValidateOnStart();
        tenancy.WithLimits();
        services.AddSingleton<UsageMeter>();
        services.AddSingleton<UsageStore>();
        services.AddSingleton<UsageTelemetry>();
        services.AddSingleton<TenantDataSize>();
        services.AddHostedService<UsageFlusher>();
        return tenancy;
    }
}
