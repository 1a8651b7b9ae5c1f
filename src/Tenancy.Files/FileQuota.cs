using Tenancy.Tenants;

namespace Tenancy.Files;

/// <summary>The plan limit that bounds a tenant's stored files.</summary>
public static class FileQuota
{
    /// <summary>
    /// The plan limit (<see cref="PlanLimits"/>, <c>Tenancy:Plans:{plan}:file-storage-mb</c>): the most mebibytes a
    /// tenant's files may take together; unset, unlimited.
    /// </summary>
    public const string StorageLimit = "file-storage-mb";

    /// <summary>The tenant's quota in bytes, or null when its plan sets none.</summary>
    public static long? MaxBytesOf(TenantInfo tenant) => tenant.Limits.Of(StorageLimit) is { } megabytes ? megabytes * 1024L * 1024 : null;
}
