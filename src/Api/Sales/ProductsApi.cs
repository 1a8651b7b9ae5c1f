using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Api.Infrastructure;
using Tenancy.Caching;
using Tenancy.Sales;

namespace Tenancy.Api.Sales;

public sealed record ProductRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Sku,
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    [property: Range(typeof(decimal), "0", "1000000000"), DecimalPlaces(2)] decimal Price);

[System.ComponentModel.ImmutableObject(true)]
public sealed record ProductResponse(Guid Id, string Sku, string Name, decimal Price);

public static class ProductsApi
{
    public static void MapProductsApi(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags("Products");
        products.MapGet("/", ListProducts).WithName("ListProducts").Produces<PaginatedItems<ProductResponse>>();
        products.MapGet("/{id:guid}", GetProduct).WithName("GetProduct");
        products.MapPost("/", CreateProduct).WithName("CreateProduct");
        products.MapPut("/{id:guid}", UpdateProduct).WithName("UpdateProduct");
        products.MapDelete("/{id:guid}", DeleteProduct).WithName("DeleteProduct");
    }

    /// <summary>The catalogue is read far more than written: reads are cached per tenant, writes drop the region.</summary>
    private const string CacheRegion = "products";

    public static Task<IResult> ListProducts([AsParameters] PaginationRequest page, SalesDbContext db, TenantCache cache, CancellationToken cancellationToken) =>
        cache.GetOrCreateJsonAsync(CacheRegion, $"page-json:{page.PageIndex}:{page.PageSize}", async ct =>
            await db.Products.AsNoTracking().OrderBy(p => p.Sku).Select(p => new ProductResponse(p.Id, p.Sku, p.Name, p.Price)).ToPageAsync(page, ct),
            CachedJsonContext.Default.PaginatedItemsProductResponse,
            cancellationToken);

    public static async Task<Results<Ok<ProductResponse>, NotFound>> GetProduct(Guid id, SalesDbContext db, TenantCache cache, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(CacheRegion, $"id:{id}", async ct =>
            await db.Products.AsNoTracking().Where(p => p.Id == id).Select(p => new ProductResponse(p.Id, p.Sku, p.Name, p.Price)).FirstOrDefaultAsync(ct),
            cancellationToken) is { } product
            ? TypedResults.Ok(product)
            : TypedResults.NotFound();

    public static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> CreateProduct(ProductRequest request, SalesDbContext db, TenantCache cache, CancellationToken cancellationToken)
    {
        var product = new Product { Sku = request.Sku, Name = request.Name, Price = request.Price };
        db.Products.Add(product);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return SkuTaken(request.Sku);
        }

        await cache.InvalidateAsync(CacheRegion);
        return TypedResults.Created($"/api/products/{product.Id}", new ProductResponse(product.Id, product.Sku, product.Name, product.Price));
    }

    public static async Task<Results<Ok<ProductResponse>, NotFound, ProblemHttpResult>> UpdateProduct(Guid id, ProductRequest request, SalesDbContext db, TenantCache cache, CancellationToken cancellationToken)
    {
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return TypedResults.NotFound();
        }

        (product.Sku, product.Name, product.Price) = (request.Sku, request.Name, request.Price);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return SkuTaken(request.Sku);
        }

        await cache.InvalidateAsync(CacheRegion);
        return TypedResults.Ok(new ProductResponse(product.Id, product.Sku, product.Name, product.Price));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteProduct(Guid id, SalesDbContext db, TenantCache cache, CancellationToken cancellationToken)
    {
        try
        {
            if (await db.Products.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
            {
                return TypedResults.NotFound();
            }

            await cache.InvalidateAsync(CacheRegion);
            return TypedResults.NoContent();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Product in use", detail: "The product is on orders and cannot be deleted.");
        }
    }

    private static ProblemHttpResult SkuTaken(string sku) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Duplicate SKU", detail: $"A product with SKU '{sku}' already exists.");
}
