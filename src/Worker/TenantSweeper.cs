namespace Tenancy.Worker;

/// <summary>
/// A registry sweep run every <see cref="Interval"/>, each tenant it handled logged. A failed sweep (the registry not
/// migrated yet, PostgreSQL briefly away) is logged and retried at the next tick.
/// </summary>
internal abstract partial class TenantSweeper(ILogger logger) : BackgroundService
{
    /// <summary>What is swept, for the failure's log line ("deleted tenants").</summary>
    protected abstract string What { get; }

    protected abstract TimeSpan Interval { get; }

    /// <returns>The identifiers of the tenants handled.</returns>
    protected abstract Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken);

    protected abstract void LogSwept(string identifier);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                foreach (var identifier in await SweepAsync(stoppingToken))
                {
                    LogSwept(identifier);
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                LogSweepFailed(ex, What);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping {What} failed; will retry")]
    private partial void LogSweepFailed(Exception exception, string what);
}
