using Tenancy.Deletion;

namespace Tenancy.Worker;

/// <summary>Drops soft-deleted tenants' data in the background, every <c>Tenancy:Deletion:SweepIntervalSeconds</c>.</summary>
internal sealed partial class DeletedTenantSweeper(
    TenantDataReaper reaper,
    IConfiguration configuration,
    ILogger<DeletedTenantSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("Tenancy:Deletion:SweepIntervalSeconds", 5)));
        do
        {
            try
            {
                foreach (var identifier in await reaper.DropDeletedTenantsAsync(stoppingToken))
                {
                    LogDropped(identifier);
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                // The registry may not be migrated yet, or PostgreSQL is briefly away: the next sweep retries.
                LogSweepFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the data of deleted tenant {Identifier}")]
    private partial void LogDropped(string identifier);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping deleted tenants failed; will retry")]
    private partial void LogSweepFailed(Exception exception);
}
