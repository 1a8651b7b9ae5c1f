using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tenancy.Limits;

public static class TenantLimitsExtensions
{
    /// <summary>
    /// The plans' limits (<c>Tenancy:Limits</c>, validated at start) and <see cref="TenantLimitResolver"/>; once,
    /// however many capabilities that enforce a limit ask for them.
    /// </summary>
    public static TenancyBuilder WithLimits(this TenancyBuilder tenancy)
    {
        if (!tenancy.TryAdd("limits"))
        {
            return tenancy;
        }

        var services = tenancy.Services;
        services.AddOptions<TenantLimitsOptions>().Bind(tenancy.Configuration.GetSection(TenantLimitsOptions.SectionName));
        services.AddSingleton<IValidateOptions<TenantLimitsOptions>, TenantLimitsValidation>();
        services.AddOptionsWithValidateOnStart<TenantLimitsOptions>();
        services.AddSingleton<TenantLimitResolver>();
        return tenancy;
    }

    private sealed class TenantLimitsValidation(IOptions<TenancyOptions> tenancy) : IValidateOptions<TenantLimitsOptions>
    {
        public ValidateOptionsResult Validate(string? name, TenantLimitsOptions options) =>
            options.Problem(tenancy.Value.Plans.Keys) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
