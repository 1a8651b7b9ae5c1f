using System.IO.Compression;

namespace Tenancy.Placement;

/// <summary>
/// Data a tenant keeps outside PostgreSQL (Tenancy.Files' blobs), keyed by the tenant's id: registered by the
/// capability that owns it, and taken along by the tenant's lifecycle. Dropped with the tenant's data
/// (<see cref="Deletion.TenantDataReaper"/>), written into its backup and read back by a restore, copied by a clone
/// (<see cref="Backup.TenantBackupService"/>). A move between tiers does not touch it: the id does not change.
/// </summary>
public interface ITenantExternalStore
{
    /// <summary>Removes everything the tenant has here; done when there is nothing, so an interrupted drop resumes.</summary>
    Task DropAsync(Guid tenantId, CancellationToken cancellationToken);

    /// <summary>Copies everything <paramref name="sourceTenantId"/> has to <paramref name="targetTenantId"/>; the source keeps its own.</summary>
    Task CopyAsync(Guid sourceTenantId, Guid targetTenantId, CancellationToken cancellationToken);

    /// <summary>Writes the tenant's data into its backup archive, under an entry prefix of this store's own.</summary>
    Task ExportAsync(Guid tenantId, ZipArchive archive, CancellationToken cancellationToken);

    /// <summary>Reads this store's entries of a backup archive into the (new) tenant <paramref name="tenantId"/>.</summary>
    Task ImportAsync(ZipArchive archive, Guid tenantId, CancellationToken cancellationToken);
}
