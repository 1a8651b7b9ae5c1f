using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Api.Usage;
using Tenancy.AspNetCore.Resolution;

namespace Tenancy.Api.Sales;

/// <summary>The sample business domain, served on tenant hosts only; every query reaches just the current tenant's data.</summary>
public static class SalesApi
{
    public static IEndpointRouteBuilder MapSalesApi(this IEndpointRouteBuilder app)
    {
        // A tenant over its data quota cannot add more (413); it can still read and delete.
        var api = app.MapGroup("/api").RequireTenant().AddEndpointFilter<DataQuotaFilter>();
        api.MapProductsApi();
        api.MapProductImagesApi();
        api.MapCustomersApi();
        api.MapLocationsApi();
        api.MapOrdersApi();
        return app;
    }

    internal static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    internal static bool IsForeignKeyViolation(this DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };
}

public sealed record PaginationRequest(
    [property: Range(1, 100)] int PageSize = 20,
    [property: Range(0, 1_000_000)] int PageIndex = 0);

// Immutable as far as the cache knows: its memory tier hands every hit this same instance instead of a copy
// deserialized per request.
[System.ComponentModel.ImmutableObject(true)]
public sealed record PaginatedItems<T>(int PageIndex, int PageSize, long Count, IReadOnlyList<T> Data);

internal static class PaginationExtensions
{
    /// <summary>
    /// The page and the total in one statement (an uncorrelated subquery, which PostgreSQL evaluates once); only a page
    /// past the end, which has no row to carry the total, costs a second one.
    /// </summary>
    public static async Task<PaginatedItems<T>> ToPageAsync<T>(this IQueryable<T> query, PaginationRequest page, CancellationToken cancellationToken)
    {
        var rows = await query.Skip(page.PageIndex * page.PageSize).Take(page.PageSize)
            .Select(item => new { Item = item, Total = query.LongCount() })
            .ToListAsync(cancellationToken);
        var total = rows.Count > 0 ? rows[0].Total : page.PageIndex == 0 ? 0 : await query.LongCountAsync(cancellationToken);
        return new(page.PageIndex, page.PageSize, total, rows.ConvertAll(row => row.Item));
    }
}
