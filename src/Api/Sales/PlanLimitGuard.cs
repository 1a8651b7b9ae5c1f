using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenancy.Sales;

namespace Tenancy.Api.Sales;

/// <summary>Where the tenant's plan limits are enforced.</summary>
internal static class PlanLimitGuard
{
    /// <summary>
    /// Returns a 409 naming the limit when one more location would exceed the plan. Call inside a transaction:
    /// the tenant's advisory lock makes concurrent creations count one after another.
    /// </summary>
    public static async Task<ProblemHttpResult?> CheckLocationLimitAsync(SalesDbContext db, CancellationToken cancellationToken)
    {
        var tenant = db.RequireTenant();
        if (tenant.Limits.Of(SalesPlans.Locations) is not { } max)
        {
            return null;
        }

        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({tenant.Id.ToString()}, 0))", cancellationToken);
        var count = await db.Locations.CountAsync(cancellationToken);
        return count < max
            ? null
            : TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Plan limit reached",
                detail: $"The '{tenant.Plan}' plan allows {max} location(s) (limit '{SalesPlans.Locations}'); tenant '{tenant.Identifier}' has {count}.",
                extensions: new Dictionary<string, object?> { ["limit"] = SalesPlans.Locations, ["max"] = max });
    }
}
