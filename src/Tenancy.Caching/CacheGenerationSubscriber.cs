using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Tenancy.Caching;

/// <summary>
/// Keeps this instance's <see cref="CacheGenerations"/> in step with every other instance's, and delivers the bumps
/// Redis did not answer in time, as soon as it answers again.
/// </summary>
internal sealed class CacheGenerationSubscriber(IConnectionMultiplexer redis, CacheGenerations generations) : BackgroundService
{
    // Bounds how long other instances may serve entries a commit made stale, once Redis answers again.
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
        try
        {
            await redis.GetSubscriber().SubscribeAsync(CacheGenerations.Channel, (_, message) => generations.OnAnnounced(message.ToString()));
        }
        catch (RedisException)
        {
            // Redis is down at start: StackExchange.Redis subscribes again when it reconnects; until then the cache is bypassed.
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= OnConnectionChanged;
        redis.ConnectionRestored -= OnConnectionChanged;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RetryInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await generations.RetryPendingAsync();
        }
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e) => generations.Forget();
}
