using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace Tenancy.Benchmarks.Baseline;

public sealed class Product
{
    public Guid Id { get; set; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public decimal Price { get; set; }
}

public sealed class BaselineDbContext(DbContextOptions<BaselineDbContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Product>(product =>
        {
            product.ToTable("products", "public");
            product.Property(p => p.Sku).HasMaxLength(64);
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.Price).HasPrecision(12, 2);
        });
}

// The Api's DTOs and handler (src/Api/Sales/ProductsApi.cs, SalesApi.cs), so the JSON is byte for byte the same.
public sealed record ProductResponse(Guid Id, string Sku, string Name, decimal Price);

public sealed record PaginationRequest(
    [property: Range(1, 100)] int PageSize = 20,
    [property: Range(0, 1_000_000)] int PageIndex = 0);

public sealed record PaginatedItems<T>(int PageIndex, int PageSize, long Count, IReadOnlyList<T> Data);

public static class ProductsEndpoint
{
    public static async Task<PaginatedItems<ProductResponse>> ListProducts([AsParameters] PaginationRequest page, BaselineDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Products.AsNoTracking().OrderBy(p => p.Sku).Select(p => new ProductResponse(p.Id, p.Sku, p.Name, p.Price));
        return new(
            page.PageIndex,
            page.PageSize,
            await query.LongCountAsync(cancellationToken),
            await query.Skip(page.PageIndex * page.PageSize).Take(page.PageSize).ToListAsync(cancellationToken));
    }
}
