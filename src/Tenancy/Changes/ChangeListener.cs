using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tenancy.Registry;

namespace Tenancy.Changes;

/// <summary>
/// Holds one connection that LISTENs on every <see cref="IChangeSubscriber"/>'s channel (the registry's, the
/// accounts'…) and hands each NOTIFY to the subscribers of its channel. While not listening, they keep nothing.
/// </summary>
internal sealed partial class ChangeListener(
    RegistryConnection registry,
    IEnumerable<IChangeSubscriber> subscribers,
    ILogger<ChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = subscribers.ToList();
        var byChannel = all.ToLookup(s => s.Channel, StringComparer.Ordinal);
        var channels = string.Join(", ", byChannel.Select(c => c.Key));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // LISTEN needs a session of its own: through a transaction pooler it would be lost.
                await using var connection = new NpgsqlConnection(registry.DirectConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    foreach (var subscriber in byChannel[e.Channel])
                    {
                        subscriber.OnChanged(e.Payload);
                    }
                };
                foreach (var channel in byChannel)
                {
                    await using var listen = new NpgsqlCommand($"LISTEN {channel.Key}", connection);
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                all.ForEach(s => s.OnListening(true));
                LogListening(channels);
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
                all.ForEach(s => s.OnListening(false));
                LogLost(ex, channels);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for changes on {Channels}; tenant, membership and token lookups are cached")]
    private partial void LogListening(string channels);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the change listener on {Channels}; lookups go to PostgreSQL until it is back")]
    private partial void LogLost(Exception exception, string channels);
}
