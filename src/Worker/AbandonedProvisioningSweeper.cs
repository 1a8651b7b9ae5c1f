using Microsoft.Extensions.Options;
using Tenancy.Provisioning;

namespace Tenancy.Worker;

/// <summary>
/// Removes database-tier creations interrupted and not retried (their database, then their row), every
/// <c>Tenancy:Provisioning:SweepIntervalSeconds</c>; see <see cref="AbandonedProvisioningReaper"/>.
/// </summary>
internal sealed partial class AbandonedProvisioningSweeper(
    AbandonedProvisioningReaper reaper,
    IOptions<ProvisioningOptions> options,
    ILogger<AbandonedProvisioningSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds));
        do
        {
            try
            {
                foreach (var identifier in await reaper.RemoveAbandonedAsync(stoppingToken))
                {
                    LogRemoved(identifier);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed the abandoned creation of tenant {Identifier} (its database and registry row); a new request can create it again")]
    private partial void LogRemoved(string identifier);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping abandoned tenant creations failed; will retry")]
    private partial void LogSweepFailed(Exception exception);
}
