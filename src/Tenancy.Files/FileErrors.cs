namespace Tenancy.Files;

// The errors a file operation raises before or instead of storing anything; the Api turns each into problem details.

/// <summary>A name or prefix that cannot address a tenant's file (<see cref="FileNames"/>).</summary>
public sealed class FileNameException(string message) : Exception(message);

/// <summary>The upload is larger than <see cref="TenantFilesOptions.MaxUploadBytes"/>, or its size is unknown.</summary>
public sealed class FileTooLargeException(string message, long maxBytes) : Exception(message)
{
    public long MaxBytes { get; } = maxBytes;
}

/// <summary>The upload's content type is not among <see cref="TenantFilesOptions.AllowedContentTypes"/>.</summary>
public sealed class FileTypeNotAllowedException(string message) : Exception(message);

/// <summary>The upload would take the tenant past its plan's storage quota (<see cref="FileQuota.StorageLimit"/>).</summary>
public sealed class FileQuotaExceededException(string message, long maxBytes, long usedBytes) : Exception(message)
{
    public string Limit => FileQuota.StorageLimit;

    public long MaxBytes { get; } = maxBytes;

    public long UsedBytes { get; } = usedBytes;
}
