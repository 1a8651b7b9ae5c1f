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

public sealed record PaginatedItems<T>(int PageIndex, int PageSize, long Count, IReadOnlyList<T> Data);

internal static class PaginationExtensions
{
    public static async Task<PaginatedItems<T>> ToPageAsync<T>(this IQueryable<T> query, PaginationRequest page, CancellationToken cancellationToken) =>
        new(
            page.PageIndex,
            page.PageSize,
            await query.LongCountAsync(cancellationToken),
            await query.Skip(page.PageIndex * page.PageSize).Take(page.PageSize).ToListAsync(cancellationToken));
}
