using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Files;

namespace Tenancy.Api.Files;

public sealed record FileListRequest(
    string? Prefix = null,
    [property: Range(1, 1000)] int PageSize = 50,
    [property: StringLength(2048)] string? ContinuationToken = null);

/// <summary>
/// The request's tenant's files, on tenant hosts only: members read (download, list, links, usage), admins and owners
/// write (upload, delete), as for every tenant endpoint. Every name addresses a blob in the tenant's own container.
/// </summary>
public static class FilesApi
{
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireTenant().WithTags("Files");
        api.MapGet("/files", ListFiles).WithName("ListFiles").WithSummary("The tenant's files by name, a page at a time (?prefix=, ?continuationToken=)");
        api.MapPut("/files/{*name}", UploadFile).WithName("UploadFile").WithSummary("Stores the body as the file (Content-Type and Content-Length required)");
        api.MapGet("/files/{*name}", DownloadFile).WithName("DownloadFile");
        api.MapDelete("/files/{*name}", DeleteFile).WithName("DeleteFile");
        api.MapGet("/file-links/{*name}", CreateLink).WithName("CreateFileLink").WithSummary("A read-only URL for this one file, valid for Tenancy:Files:LinkLifetime");
        api.MapGet("/file-usage", GetUsage).WithName("GetFileUsage").WithSummary("What the tenant's files take against its plan's storage quota");
        return app;
    }

    public static Task<TenantFilePage> ListFiles([AsParameters] FileListRequest request, TenantFiles files, CancellationToken cancellationToken) =>
        files.ListAsync(request.Prefix, request.PageSize, request.ContinuationToken, cancellationToken);

    public static async Task<Created<TenantFile>> UploadFile(string name, HttpRequest request, TenantFiles files, IOptions<TenantFilesOptions> options, CancellationToken cancellationToken)
    {
        var file = await UploadAsync(name, request, files, options.Value, cancellationToken);
        return TypedResults.Created($"/api/files/{file.Name}", file);
    }

    public static async Task<Results<FileStreamHttpResult, NotFound>> DownloadFile(string name, TenantFiles files, CancellationToken cancellationToken) =>
        await files.OpenReadAsync(name, cancellationToken) is { } file
            ? TypedResults.Stream(file.Content, file.ContentType)
            : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> DeleteFile(string name, TenantFiles files, CancellationToken cancellationToken) =>
        await files.DeleteAsync(name, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<Ok<TenantFileLink>, NotFound>> CreateLink(string name, TenantFiles files, CancellationToken cancellationToken) =>
        await files.CreateLinkAsync(name, cancellationToken) is { } link ? TypedResults.Ok(link) : TypedResults.NotFound();

    public static Task<TenantFileUsage> GetUsage(TenantFiles files, CancellationToken cancellationToken) => files.UsageAsync(cancellationToken);

    /// <summary>
    /// The request's body stored as <paramref name="name"/>: the server's body limit follows
    /// <see cref="TenantFilesOptions.MaxUploadBytes"/>, so an upload is never cut at Kestrel's default instead.
    /// </summary>
    internal static Task<TenantFile> UploadAsync(string name, HttpRequest request, TenantFiles files, TenantFilesOptions options, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = options.MaxUploadBytes;
        }

        return files.UploadAsync(name, request.ContentType, request.ContentLength, request.Body, cancellationToken);
    }
}
