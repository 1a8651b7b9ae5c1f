using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tenancy.Usage;

/// <summary>
/// Writes the <see cref="UsageMeter"/>'s counts to PostgreSQL every <see cref="UsageOptions.FlushInterval"/>, in
/// one batch, and once more as the process stops; counts a failed flush could not write wait for the next.
/// </summary>
internal sealed partial class UsageFlusher(UsageMeter meter, UsageStore store, IOptions<UsageOptions> options, ILogger<UsageFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the last flush follows.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = meter.TakeAll();
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await store.AddAsync(batch, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            meter.Restore(batch);
            LogFlushFailed(exception, batch.Count);
        }
        catch (OperationCanceledException)
        {
            meter.Restore(batch);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage of {Entries} tenant-days could not be written; kept for the next flush")]
    private partial void LogFlushFailed(Exception exception, int entries);
}
