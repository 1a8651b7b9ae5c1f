using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Tenancy.Caching;

/// <summary>Keeps this instance's <see cref="CacheGenerations"/> in step with every other instance's.</summary>
internal sealed class CacheGenerationSubscriber(IConnectionMultiplexer redis, CacheGenerations generations) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
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
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= OnConnectionChanged;
        redis.ConnectionRestored -= OnConnectionChanged;
        return Task.CompletedTask;
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e) => generations.Forget();
}
