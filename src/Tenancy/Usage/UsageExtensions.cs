using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tenancy.Limits;

namespace Tenancy.Usage;

public static class UsageExtensions
{
    /// <summary>
    /// Usage metering (counts in memory, flushed to <c>tenancy.tenant_usage</c> in batches, metrics on meter
    /// <see cref="UsageTelemetry.MeterName"/>) and the plans' limits (<see cref="TenantLimitsExtensions.AddTenantLimits"/>).
    /// Needs <c>AddTenancy</c> first.
    /// </summary>
    public static IHostApplicationBuilder AddTenantUsage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<UsageOptions>().Bind(builder.Configuration.GetSection(UsageOptions.SectionName))
            .Validate(o => o.FlushInterval >= TimeSpan.FromMilliseconds(100), $"{UsageOptions.SectionName}:FlushInterval is at least 100 ms.")
            .ValidateOnStart();
        builder.AddTenantLimits();
        services.AddSingleton<UsageMeter>();
        services.AddSingleton<UsageStore>();
        services.AddSingleton<UsageTelemetry>();
        services.AddSingleton<TenantDataSize>();
        services.AddHostedService<UsageFlusher>();
        return builder;
    }
}
