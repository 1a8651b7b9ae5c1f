using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tenancy.Settings;

public static class TenantSettingsExtensions
{
    /// <summary>
    /// <see cref="TenantSettingsService"/> and its bounds (<c>Tenancy:Settings</c>, validated at start); once, however
    /// often it is asked for. Reading settings needs nothing: they come with every <see cref="Tenants.TenantInfo"/>.
    /// </summary>
    public static TenancyBuilder WithSettings(this TenancyBuilder tenancy)
    {
        if (!tenancy.TryAdd("settings"))
        {
            return tenancy;
        }

        var services = tenancy.Services;
        services.AddOptions<TenantSettingsOptions>().Bind(tenancy.Configuration.GetSection(TenantSettingsOptions.SectionName));
        services.AddSingleton<IValidateOptions<TenantSettingsOptions>, TenantSettingsValidation>();
        services.AddOptionsWithValidateOnStart<TenantSettingsOptions>();
        services.AddSingleton<TenantSettingsService>();
        return tenancy;
    }

    private sealed class TenantSettingsValidation : IValidateOptions<TenantSettingsOptions>
    {
        public ValidateOptionsResult Validate(string? name, TenantSettingsOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
