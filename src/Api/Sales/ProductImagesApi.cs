using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Api.Files;
using Tenancy.Files;
using Tenancy.Sales;

namespace Tenancy.Api.Sales;

/// <summary>A product's image, a tenant file named by the product's id (<c>products/{id}/image</c>), never by input.</summary>
public static class ProductImagesApi
{
    public static void MapProductImagesApi(this RouteGroupBuilder api)
    {
        var images = api.MapGroup("/products/{id:guid}/image").WithTags("Products");
        images.MapPut("/", PutImage).WithName("PutProductImage");
        images.MapGet("/", GetImage).WithName("GetProductImage");
    }

    public static string FileNameOf(Guid productId) => $"products/{productId:N}/image";

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> PutImage(
        Guid id, HttpRequest request, SalesDbContext db, TenantFiles files, IOptions<TenantFilesOptions> options, CancellationToken cancellationToken)
    {
        if (!await db.Products.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        if (request.ContentType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) != true)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not an image", detail: $"A product image is image/*, not '{request.ContentType ?? "(none)"}'.");
        }

        await FilesApi.UploadAsync(FileNameOf(id), request, files, options.Value, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<FileStreamHttpResult, NotFound>> GetImage(Guid id, TenantFiles files, CancellationToken cancellationToken) =>
        await files.OpenReadAsync(FileNameOf(id), cancellationToken) is { } image
            ? TypedResults.Stream(image.Content, image.ContentType)
            : TypedResults.NotFound();
}
