using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Tenancy.Context;
using Tenancy.Isolation;
using Tenancy.Tenants;

namespace Tenancy.Files;

/// <summary>A file of the tenant as listings show it.</summary>
public sealed record TenantFile(string Name, string ContentType, long Size, DateTimeOffset? LastModified);

/// <summary>One page of a listing; <see cref="ContinuationToken"/> asks for the next, null on the last.</summary>
public sealed record TenantFilePage(IReadOnlyList<TenantFile> Files, string? ContinuationToken);

/// <summary>A file's content as a stream to copy to the response, with its type and size.</summary>
public sealed record TenantFileContent(Stream Content, string ContentType, long Size);

/// <summary>A link that reads one file without a token, until <see cref="ExpiresOn"/>.</summary>
public sealed record TenantFileLink(Uri Url, DateTimeOffset ExpiresOn);

/// <summary>What the tenant's files take, and its plan's quota (null: unlimited).</summary>
public sealed record TenantFileUsage(int Files, long UsedBytes, long? MaxBytes, string Limit);

/// <summary>
/// The current tenant's files (a request's or a <c>TenantScope</c>'s tenant; never one named by the caller): every
/// name checked (<see cref="FileNames"/>), uploads checked for type, size and the plan's quota before anything is
/// stored, and download links for one file at a time.
/// </summary>
public sealed class TenantFiles(TenantFileStore store, ITenantContextAccessor tenants, IOptions<TenantFilesOptions> options, TimeProvider time)
{
    private TenantFilesOptions Options => options.Value;

    /// <summary>
    /// Stores <paramref name="content"/> as <paramref name="name"/> (replacing a file of that name) once its type,
    /// declared length and the quota allow it; refused uploads leave nothing stored.
    /// </summary>
    public async Task<TenantFile> UploadAsync(string name, string? contentType, long? length, Stream content, CancellationToken cancellationToken = default)
    {
        var tenant = CurrentTenant();
        var blob = store.BlobOf(tenant.Id, name);
        var mediaType = CheckContentType(contentType);
        var size = CheckSize(length);
        if (FileQuota.MaxBytesOf(tenant) is { } max)
        {
            // The file it replaces frees its own bytes.
            var used = 0L;
            await foreach (var existing in store.ListAllAsync(tenant.Id, cancellationToken))
            {
                used += existing.Name == name ? 0 : existing.Properties.ContentLength ?? 0;
            }

            if (used + size > max)
            {
                throw new FileQuotaExceededException(
                    $"Tenant '{tenant.Identifier}' stores {used} bytes of files; its '{tenant.Plan}' plan allows {max} bytes (limit '{FileQuota.StorageLimit}'), so {size} more do not fit. Delete files or ask for a larger plan.",
                    max,
                    used);
            }
        }

        // The body may claim one length and carry more: never store more than was checked.
        await using var bounded = new BoundedStream(content, size);
        await store.WriteAsync(tenant.Id, blob.Name, contentType!, bounded, cancellationToken);
        if (bounded.BytesRead != size)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
            throw new FileTooLargeException($"The upload carried {bounded.BytesRead} bytes, not the {size} it declared.", Options.MaxUploadBytes);
        }

        return new TenantFile(blob.Name, mediaType, size, time.GetUtcNow());
    }

    /// <summary>The file's content, or null when the tenant has no such file.</summary>
    public async Task<TenantFileContent?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = store.BlobOf(CurrentTenant().Id, name);
        try
        {
            var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            return new TenantFileContent(download.Value.Content, download.Value.Details.ContentType ?? "application/octet-stream", download.Value.Details.ContentLength);
        }
        catch (RequestFailedException ex) when (IsNotFound(ex))
        {
            return null;
        }
    }

    /// <summary>One page of the tenant's files whose names start with <paramref name="prefix"/>, by name.</summary>
    public async Task<TenantFilePage> ListAsync(string? prefix, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        if (FileNames.ValidatePrefix(prefix) is { } problem)
        {
            throw new FileNameException(problem);
        }

        var container = store.ContainerOf(CurrentTenant().Id);
        try
        {
            var pages = container.GetBlobsAsync(BlobTraits.None, BlobStates.None, string.IsNullOrEmpty(prefix) ? null : prefix, cancellationToken)
                .AsPages(string.IsNullOrEmpty(continuationToken) ? null : continuationToken, Math.Clamp(pageSize, 1, Options.MaxPageSize));
            await foreach (var page in pages)
            {
                return new TenantFilePage(
                    page.Values.Select(b => new TenantFile(b.Name, b.Properties.ContentType ?? "application/octet-stream", b.Properties.ContentLength ?? 0, b.Properties.LastModified)).ToList(),
                    string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // No upload yet: no container, no files.
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            throw new FileNameException("The continuation token is not one this listing gave.");
        }

        return new TenantFilePage([], null);
    }

    /// <summary>Removes the file; false when the tenant had no such file.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = store.BlobOf(CurrentTenant().Id, name);
        try
        {
            return (await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (IsNotFound(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// A read-only link to this one file of the tenant, valid for <see cref="TenantFilesOptions.LinkLifetime"/>; null
    /// when there is no such file. The signature covers the container and the blob name: edited to point anywhere
    /// else, the link is refused by storage.
    /// </summary>
    public async Task<TenantFileLink?> CreateLinkAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = store.BlobOf(CurrentTenant().Id, name);
        try
        {
            if (!(await blob.ExistsAsync(cancellationToken)).Value)
            {
                return null;
            }
        }
        catch (RequestFailedException ex) when (IsNotFound(ex))
        {
            return null;
        }

        var expiresOn = time.GetUtcNow() + Options.LinkLifetime;
        return new TenantFileLink(await store.SignReadAsync(blob, expiresOn, cancellationToken), expiresOn);
    }

    /// <summary>What the current tenant's files take against its plan's quota.</summary>
    public async Task<TenantFileUsage> UsageAsync(CancellationToken cancellationToken = default)
    {
        var tenant = CurrentTenant();
        var (files, bytes) = await store.MeasureAsync(tenant.Id, cancellationToken);
        return new TenantFileUsage(files, bytes, FileQuota.MaxBytesOf(tenant), FileQuota.StorageLimit);
    }

    private string CheckContentType(string? contentType)
    {
        var mediaType = FileContentTypes.MediaTypeOf(contentType);
        return mediaType is not null && Options.AllowedContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase)
            ? mediaType
            : throw new FileTypeNotAllowedException(
                $"Files of type '{contentType ?? "(none)"}' are not accepted; allowed: {string.Join(", ", Options.AllowedContentTypes)}.");
    }

    private long CheckSize(long? length) => length switch
    {
        null => throw new FileTooLargeException($"An upload declares its size (Content-Length); at most {Options.MaxUploadBytes} bytes.", Options.MaxUploadBytes),
        < 0 => throw new FileTooLargeException("An upload's size is not negative.", Options.MaxUploadBytes),
        var size when size > Options.MaxUploadBytes =>
            throw new FileTooLargeException($"The file has {size} bytes; an upload has at most {Options.MaxUploadBytes} bytes.", Options.MaxUploadBytes),
        var size => size.Value,
    };

    private TenantInfo CurrentTenant() => tenants.Current
        ?? throw new TenantContextMissingException("Tenant files need a current tenant (a tenant request or a TenantScope).");

    private static bool IsNotFound(RequestFailedException ex) => ex.Status == 404;
}
