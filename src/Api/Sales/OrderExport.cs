using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenancy.Sales;

namespace Tenancy.Api.Sales;

/// <summary>The sample's feature-flagged endpoint: the tenant's orders as CSV, for the tenants flag <see cref="Feature"/> is on for.</summary>
public static class OrderExport
{
    /// <summary>The flag (<c>FeatureManagement:OrderExport</c> in appsettings.json: on for the enterprise plan).</summary>
    public const string Feature = "OrderExport";

    /// <summary>More orders than this are exported in pages of a later version; the sample stops here.</summary>
    private const int MaxOrders = 10_000;

    public static async Task<ContentHttpResult> ExportOrders(SalesDbContext db, CancellationToken cancellationToken)
    {
        var orders = await db.Orders.AsNoTracking().OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).Take(MaxOrders)
            .Select(o => new { o.Id, o.CreatedAt, o.Status, o.CustomerId, o.LocationId, o.Total })
            .ToListAsync(cancellationToken);
        var csv = new StringBuilder("id,createdAt,status,customerId,locationId,total\n");
        foreach (var order in orders)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{order.Id},{order.CreatedAt:O},{order.Status.ToString().ToLowerInvariant()},{order.CustomerId},{order.LocationId},{order.Total}\n");
        }

        return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8");
    }
}
