using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Tenancy.Console.Api;
using Tenancy.Console.Auth;

namespace Tenancy.Console.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddConsoleServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>()
            .Bind(builder.Configuration.GetSection(ConsoleOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.ApiUrl, UriKind.Absolute, out _), $"{ConsoleOptions.SectionName}:ApiUrl is an absolute URL (https+http://api through service discovery).")
            .Validate(o => string.IsNullOrEmpty(o.DashboardUrl) || Uri.TryCreate(o.DashboardUrl, UriKind.Absolute, out _), $"{ConsoleOptions.SectionName}:DashboardUrl, when set, is an absolute URL.")
            .ValidateOnStart();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        // The Api's token lives in the encrypted sign-in cookie and in the circuit, never in the browser's script.
        // The keys are in memory only: a restart of the console signs everyone out, and no key is written to disk.
        builder.Services.AddSingleton<IDataProtectionProvider, EphemeralDataProtectionProvider>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/sign-in";
                cookie.AccessDeniedPath = "/forbidden";
                cookie.Cookie.Name = "tenancy.console";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ConsolePolicies.Platform, policy => policy.RequireClaim(ConsoleClaims.Platform, "true"))
            .AddPolicy(ConsolePolicies.Tenant, policy => policy.RequireClaim(ConsoleClaims.Tenant));
        builder.Services.AddCascadingAuthenticationState();

        builder.Services.AddHttpClient<TenancyApi>((sp, http) =>
            http.BaseAddress = new Uri(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>().Value.ApiUrl));
        builder.Services.AddScoped<ApiSession>();
        return builder;
    }
}
