using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tenancy.Placement;
using Tenancy.Registry;

namespace Tenancy.Resolution;

/// <summary>
/// Holds one connection that LISTENs for registry changes (announced by a trigger, so changes made by the CLI or
/// by hand count too) and clears the <see cref="TenantLookup"/> cache on each. While not listening, nothing is cached.
/// A dropped tenant database is announced on the same channel, and its pooled connections here are closed.
/// </summary>
internal sealed partial class RegistryChangeListener(
    RegistryConnection registry,
    TenantLookup lookup,
    TenantStoreConnections stores,
    TenantDatabasePools pools,
    ILogger<RegistryChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // LISTEN needs a session of its own: through a transaction pooler it would be lost.
                await using var connection = new NpgsqlConnection(registry.DirectConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, notification) =>
                {
                    lookup.Invalidate();
                    if (TenantDatabases.TryReadDropped(notification.Payload, out var database, out var reference))
                    {
                        TenantDatabases.ForgetPools(stores, pools, database, reference);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {RegistryDbContext.ChangeChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                lookup.SetCaching(true);
                LogListening(RegistryDbContext.ChangeChannel);
                while (true)
                {
                    if (!await connection.WaitAsync(KeepAliveInterval, stoppingToken))
                    {
                        // Quiet for a while: make sure the connection is still there to hear the next change.
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                lookup.SetCaching(false);
                LogLost(ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for tenant registry changes on '{Channel}'; tenant lookups are cached")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the registry change listener; tenant lookups go to PostgreSQL until it is back")]
    private partial void LogLost(Exception exception);
}
