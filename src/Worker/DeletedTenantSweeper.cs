using Microsoft.Extensions.Options;
using Tenancy.Deletion;

namespace Tenancy.Worker;

/// <summary>Drops soft-deleted tenants' data in the background, every <c>Tenancy:Deletion:SweepIntervalSeconds</c>.</summary>
internal sealed partial class DeletedTenantSweeper(
    TenantDataReaper reaper,
    IOptions<DeletionOptions> options,
    ILogger<DeletedTenantSweeper> logger) : TenantSweeper(logger)
{
    protected override string What => "deleted tenants";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds);

    protected override Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken) => reaper.DropDeletedTenantsAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the data of deleted tenant {Identifier}")]
    protected override partial void LogSwept(string identifier);
}
