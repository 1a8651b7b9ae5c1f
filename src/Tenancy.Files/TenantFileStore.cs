using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Tenancy.Placement;

namespace Tenancy.Files;

/// <summary>
/// The storage account behind every tenant's files, addressed by tenant id alone: each tenant's blobs live in its own
/// container (<see cref="TenantStoreNames.ToContainerName"/>), so no name can reach another tenant's. Used by
/// <see cref="TenantFiles"/> for the current tenant, and by the tenant's lifecycle (deletion, backup, clone) by id.
/// </summary>
public sealed class TenantFileStore(BlobServiceClient service)
{
    /// <summary>The tenant's container, which may not exist yet: it is created on the first upload.</summary>
    internal BlobContainerClient ContainerOf(Guid tenantId) => service.GetBlobContainerClient(TenantStoreNames.ToContainerName(tenantId));

    /// <summary>
    /// The blob <paramref name="name"/> of the tenant; the name is checked first, so nothing that reaches storage can
    /// leave the container.
    /// </summary>
    internal BlobClient BlobOf(Guid tenantId, string name) =>
        FileNames.Validate(name) is { } problem ? throw new FileNameException(problem) : ContainerOf(tenantId).GetBlobClient(name);

    /// <summary>Every file of the tenant and the bytes they take; nothing when it has none.</summary>
    public async Task<(int Files, long Bytes)> MeasureAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        var (files, bytes) = (0, 0L);
        await foreach (var blob in ListAllAsync(tenantId, cancellationToken))
        {
            (files, bytes) = (files + 1, bytes + (blob.Properties.ContentLength ?? 0));
        }

        return (files, bytes);
    }

    /// <summary>Every blob of the tenant, by name; none when it has no container.</summary>
    public async IAsyncEnumerable<BlobItem> ListAllAsync(Guid tenantId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var blobs = ContainerOf(tenantId).GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await blobs.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
                {
                    yield break;
                }

                yield return blobs.Current;
            }
        }
        finally
        {
            await blobs.DisposeAsync();
        }
    }

    /// <summary>Removes the tenant's container and every file in it (the tenant's data is being dropped); true when there was one.</summary>
    public async Task<bool> DeleteAllAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        (await ContainerOf(tenantId).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;

    /// <summary>Copies every file of <paramref name="sourceTenantId"/> to <paramref name="targetTenantId"/> (a clone); the source keeps its own.</summary>
    public async Task<int> CopyAllAsync(Guid sourceTenantId, Guid targetTenantId, CancellationToken cancellationToken = default)
    {
        var copied = 0;
        await foreach (var blob in ListAllAsync(sourceTenantId, cancellationToken))
        {
            var download = await ContainerOf(sourceTenantId).GetBlobClient(blob.Name).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var content = download.Value.Content;
            await WriteAsync(targetTenantId, blob.Name, download.Value.Details.ContentType, content, cancellationToken);
            copied++;
        }

        return copied;
    }

    /// <summary>Stores one file of the tenant, replacing any of that name; the tenant's container is made when missing.</summary>
    public async Task WriteAsync(Guid tenantId, string name, string contentType, Stream content, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(tenantId, name);
        await ContainerOf(tenantId).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
    }

    /// <summary>
    /// A read-only SAS URL for exactly this blob, valid until <paramref name="expiresOn"/>: signed with the account key
    /// where the client has one (Azurite), else with a user-delegation key of the app's identity (Azure, managed identity).
    /// </summary>
    internal async Task<Uri> SignReadAsync(BlobClient blob, DateTimeOffset expiresOn, CancellationToken cancellationToken)
    {
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        // A clock skew of a few minutes must not make a fresh link unusable.
        var key = await service.GetUserDelegationKeyAsync(DateTimeOffset.UtcNow.AddMinutes(-5), expiresOn, cancellationToken);
        sas.StartsOn = DateTimeOffset.UtcNow.AddMinutes(-5);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, service.AccountName) }.ToUri();
    }
}
