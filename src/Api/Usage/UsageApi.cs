using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Users;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Context;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Api.Usage;

/// <summary>
/// Usage and limits: the tenant's own report (<c>GET /api/usage</c>, its owners and admins) here; the platform's
/// per-tenant report and limit overrides are mapped with <see cref="Tenants.TenantsApi"/>.
/// </summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/usage", GetOwnUsage).RequireTenant().AddEndpointFilter(AdminsOnly).WithTags("Usage").WithName("GetOwnUsage")
            .WithSummary("The current tenant's usage per day (owners and admins); ?format=csv or Accept: text/csv for billing");
        return app;
    }

    public static Task<Results<Ok<UsageReport>, ContentHttpResult, ValidationProblem>> GetOwnUsage(
        DateOnly? from, DateOnly? to, string? format, HttpRequest request, ITenantContextAccessor tenants, UsageReports reports, CancellationToken cancellationToken) =>
        reports.AnswerAsync(tenants.Current!, from, to, format, request, cancellationToken);

    /// <summary>A GET needs only membership by default; usage is billing data, for the tenant's owners and admins.</summary>
    private static async ValueTask<object?> AdminsOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Features.Get<TenantMembershipFeature>() is { Role: >= TenantRole.Admin }
            ? await next(context)
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "A tenant's usage is for its owners and admins.");

    /// <summary>Any tenant's usage, for the platform (<c>GET /api/tenants/{identifier}/usage</c>).</summary>
    public static async Task<Results<Ok<UsageReport>, ContentHttpResult, ValidationProblem>> GetTenantUsage(
        string identifier, DateOnly? from, DateOnly? to, string? format, HttpRequest request, TenantRegistry registry, UsageReports reports, CancellationToken cancellationToken)
    {
        var tenant = await registry.FindAsync(identifier, cancellationToken) ?? throw new TenantNotFoundException(identifier);
        return await reports.AnswerAsync(TenantInfo.From(tenant), from, to, format, request, cancellationToken);
    }

    /// <summary>Sets the tenant's own limits (<c>PUT /api/tenants/{identifier}/limits</c>); null fields fall back to the plan.</summary>
    public static async Task<Results<Ok<LimitsResponse>, ValidationProblem>> SetLimits(
        string identifier, SetLimitsRequest request, TenantRegistry registry, Tenancy.Limits.TenantLimitResolver limits, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value) in new (string, long?)[]
        {
            ("requestsPerWindow", request.RequestsPerWindow), ("maxDataBytes", request.MaxDataBytes),
            ("maxCacheEntries", request.MaxCacheEntries), ("maxConcurrentJobs", request.MaxConcurrentJobs),
        })
        {
            if (value is < 1)
            {
                errors[field] = ["At least 1, or null for the plan's."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var overrides = LimitOverrides.Of(request.RequestsPerWindow, request.MaxDataBytes, request.MaxCacheEntries, request.MaxConcurrentJobs);
        var tenant = await registry.SetLimitOverridesAsync(identifier, overrides, cancellationToken);
        return TypedResults.Ok(LimitsResponse.From(limits.For(TenantInfo.From(tenant))));
    }
}
