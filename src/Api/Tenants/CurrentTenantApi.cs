using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Accounts.Members;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Context;
using Tenancy.Tenants;

namespace Tenancy.Api.Tenants;

public sealed record CurrentTenantResponse(string Identifier, string Name, TenantStatus Status, string Plan, IReadOnlyDictionary<string, int> Limits, int Members);

/// <summary>The request's own tenant as its members see it: the plan, its limits and how many users count against them.</summary>
public static class CurrentTenantApi
{
    public static IEndpointRouteBuilder MapCurrentTenantApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenant", GetCurrentTenant).WithTags("Tenants").RequireTenant()
            .WithName("GetCurrentTenant").WithSummary("The caller's tenant: name, plan, limits and member count");
        return app;
    }

    public static async Task<Ok<CurrentTenantResponse>> GetCurrentTenant(ITenantContextAccessor tenants, MemberService members, CancellationToken cancellationToken)
    {
        var tenant = tenants.Current!;
        var listed = await members.ListAsync(tenant, cancellationToken);
        return TypedResults.Ok(new CurrentTenantResponse(tenant.Identifier, tenant.Name, tenant.Status, tenant.Plan, tenant.Limits.Values, listed.Count));
    }
}
