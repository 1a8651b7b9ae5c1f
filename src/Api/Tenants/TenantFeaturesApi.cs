using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Context;
using Tenancy.Features;
using Tenancy.Settings;

namespace Tenancy.Api.Tenants;

public sealed record SetFeatureRequest(bool? Enabled);

public sealed record SetSettingsRequest(TenantBranding? Branding, Dictionary<string, string>? Values);

public sealed record CurrentFeatureResponse(string Name, bool Enabled);

public sealed record BrandingResponse(string DisplayName, string? PrimaryColor, string? AccentColor, string? Logo);

/// <summary>
/// Feature flags and settings per tenant: the platform's view and overrides (mapped into <see cref="TenantsApi"/>'s
/// group, platform admins only) through the same services as the CLI, and the tenant's own view on its host.
/// </summary>
public static class TenantFeaturesApi
{
    public static RouteGroupBuilder MapTenantFeaturesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/{identifier}/features", ListFeatures).WithName("ListTenantFeatures").WithSummary("Every feature flag as it stands for the tenant: its override, its definition, the result");
        api.MapGet("/{identifier}/features/{feature}", GetFeature).WithName("GetTenantFeature");
        api.MapPut("/{identifier}/features/{feature}", SetFeature).WithName("SetTenantFeature").WithSummary("Turn a feature flag on or off for this tenant alone, whatever its definition says");
        api.MapDelete("/{identifier}/features/{feature}", ClearFeature).WithName("ClearTenantFeature").WithSummary("Drop the tenant's override: the flag's definition decides again");
        api.MapGet("/{identifier}/settings", GetSettings).WithName("GetTenantSettings").WithSummary("The tenant's branding and application settings");
        api.MapPut("/{identifier}/settings", SetSettings).WithName("SetTenantSettings").WithSummary("Replace the tenant's branding and application settings (never secrets)");
        return api;
    }

    public static IEndpointRouteBuilder MapCurrentTenantFeaturesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenant/features", GetCurrentFeatures).WithTags("Tenants").RequireTenant()
            .WithName("GetCurrentTenantFeatures").WithSummary("Every feature flag as evaluated for the caller's tenant");
        // A sign-in page shows the tenant's branding before anyone signs in; it holds nothing secret.
        app.MapGet("/api/tenant/branding", GetCurrentBranding).WithTags("Tenants").RequireTenant().AllowAnonymous()
            .WithName("GetCurrentTenantBranding").WithSummary("The tenant's display name, colours and logo file, for its pages");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<TenantFeatureState>>> ListFeatures(string identifier, TenantFeatureAdmin features, CancellationToken cancellationToken) =>
        TypedResults.Ok(await features.ListAsync(identifier, cancellationToken));

    public static async Task<Ok<TenantFeatureState>> GetFeature(string identifier, string feature, TenantFeatureAdmin features, CancellationToken cancellationToken) =>
        TypedResults.Ok(await features.GetAsync(identifier, feature, cancellationToken));

    public static async Task<Results<Ok<TenantFeatureState>, ValidationProblem>> SetFeature(
        string identifier, string feature, SetFeatureRequest request, TenantFeatureAdmin features, CancellationToken cancellationToken) =>
        request.Enabled is { } enabled
            ? TypedResults.Ok(await features.SetAsync(identifier, feature, enabled, cancellationToken))
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["enabled"] = ["true or false (DELETE drops the override)."] });

    public static async Task<Ok<TenantFeatureState>> ClearFeature(string identifier, string feature, TenantFeatureAdmin features, CancellationToken cancellationToken) =>
        TypedResults.Ok(await features.SetAsync(identifier, feature, null, cancellationToken));

    public static async Task<Ok<TenantSettings>> GetSettings(string identifier, TenantSettingsService settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.GetAsync(identifier, cancellationToken));

    public static async Task<Ok<TenantSettings>> SetSettings(string identifier, SetSettingsRequest request, TenantSettingsService settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.SetAsync(
            identifier, new TenantSettings(request.Branding ?? TenantBranding.None, request.Values ?? []), cancellationToken));

    public static async Task<Ok<List<CurrentFeatureResponse>>> GetCurrentFeatures(ITenantContextAccessor tenants, TenantFeatures features, CancellationToken cancellationToken) =>
        TypedResults.Ok((await features.EvaluateAllAsync(tenants.Current!, cancellationToken)).Select(f => new CurrentFeatureResponse(f.Name, f.Enabled)).ToList());

    public static Ok<BrandingResponse> GetCurrentBranding(ITenantContextAccessor tenants)
    {
        var tenant = tenants.Current!;
        var branding = tenant.Settings?.Branding ?? TenantBranding.None;
        return TypedResults.Ok(new BrandingResponse(branding.DisplayName ?? tenant.Name, branding.PrimaryColor, branding.AccentColor, branding.Logo));
    }
}
