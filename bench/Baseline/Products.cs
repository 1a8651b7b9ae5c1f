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
        var rows = await query.Skip(page.PageIndex * page.PageSize).Take(page.PageSize)
            .Select(item => new { Item = item, Total = query.LongCount() })
            .ToListAsync(cancellationToken);
        var total = rows.Count > 0 ? rows[0].Total : page.PageIndex == 0 ? 0 : await query.LongCountAsync(cancellationToken);
        return new(page.PageIndex, page.PageSize, total, rows.ConvertAll(row => row.Item));
    }
}

/// <summary>The first page of products as JSON bytes, read once: what the memory endpoint returns.</summary>
public sealed class ProductsInMemory(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    private byte[]? _bytes;

    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        if (_bytes is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            var page = await ProductsEndpoint.ListProducts(new PaginationRequest(), scope.ServiceProvider.GetRequiredService<BaselineDbContext>(), cancellationToken);
            _bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(page, json.Value.SerializerOptions);
        }

        return _bytes;
    }
}
