using System.IO.Compression;
using Tenancy.Placement;

namespace Tenancy.Files;

/// <summary>
/// The tenant's files in its lifecycle: dropped with its data, copied by a clone, and in its backup as one entry per
/// file under <c>files/</c> (the entry's comment holds the content type), restored into the new tenant's container.
/// </summary>
internal sealed class TenantFilesExternalStore(TenantFileStore store) : ITenantExternalStore
{
    internal const string EntryPrefix = "files/";

    public Task DropAsync(Guid tenantId, CancellationToken cancellationToken) => store.DeleteAllAsync(tenantId, cancellationToken);

    public Task CopyAsync(Guid sourceTenantId, Guid targetTenantId, CancellationToken cancellationToken) =>
        store.CopyAllAsync(sourceTenantId, targetTenantId, cancellationToken);

    public async Task ExportAsync(Guid tenantId, ZipArchive archive, CancellationToken cancellationToken)
    {
        await foreach (var blob in store.ListAllAsync(tenantId, cancellationToken))
        {
            var download = await store.ContainerOf(tenantId).GetBlobClient(blob.Name).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var content = download.Value.Content;
            // Files are mostly compressed already (images, PDFs).
            var entry = archive.CreateEntry(EntryPrefix + blob.Name, CompressionLevel.NoCompression);
            entry.Comment = download.Value.Details.ContentType ?? "application/octet-stream";
            await using var output = await entry.OpenAsync(cancellationToken);
            await content.CopyToAsync(output, cancellationToken);
        }
    }

    public async Task ImportAsync(ZipArchive archive, Guid tenantId, CancellationToken cancellationToken)
    {
        foreach (var entry in archive.Entries.Where(e => e.FullName.StartsWith(EntryPrefix, StringComparison.Ordinal)))
        {
            // An archive is input: its names are checked like an upload's (BlobOf throws on a bad one).
            var name = entry.FullName[EntryPrefix.Length..];
            var contentType = FileContentTypes.MediaTypeOf(entry.Comment) is not null ? entry.Comment : "application/octet-stream";
            await using var content = await entry.OpenAsync(cancellationToken);
            await store.WriteAsync(tenantId, name, contentType, content, cancellationToken);
        }
    }
}
