using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tenancy.Limits;

public static class TenantLimitsExtensions
{
    /// <summary>
    /// The plans' limits (<c>Tenancy:Limits</c>, validated at start) and <see cref="TenantLimitResolver"/>; once,
    /// however many capabilities that enforce a limit ask for them. Needs <c>AddTenancy</c> first.
    /// </summary>
    public static IHostApplicationBuilder AddTenantLimits(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(service => service.ServiceType == typeof(TenantLimitResolver)))
        {
            return builder;
        }

        services.AddOptions<TenantLimitsOptions>().Bind(builder.Configuration.GetSection(TenantLimitsOptions.SectionName));
        services.AddSingleton<IValidateOptions<TenantLimitsOptions>, TenantLimitsValidation>();
        services.AddOptionsWithValidateOnStart<TenantLimitsOptions>();
        services.AddSingleton<TenantLimitResolver>();
        return builder;
    }

    private sealed class TenantLimitsValidation(IOptions<TenancyOptions> tenancy) : IValidateOptions<TenantLimitsOptions>
    {
        public ValidateOptionsResult Validate(string? name, TenantLimitsOptions options) =>
            options.Problem(tenancy.Value.Plans.Keys) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
