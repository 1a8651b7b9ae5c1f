using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

public static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// A redis-server from the machine (<c>AppHost:Redis:Executable</c>, else found on PATH), for machines without a
    /// container runtime; its password is kept in the AppHost's data folder, made on the first run.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var dataDirectory = LocalServerFolders.DataDirectory(builder.Configuration);
        var password = builder.AddParameter($"{name}-password", () => LocalServerFolders.ReadOrCreateSecret(dataDirectory, $"{name}.password"), secret: true);
        var configured = builder.Configuration["AppHost:Redis:Executable"];
        var executable = (configured is { Length: > 0 } ? (File.Exists(configured) ? configured : null) : LocalProcess.Find("redis-server", "/usr/bin/redis-server"))
            ?? throw new DistributedApplicationException(configured is { Length: > 0 }
                ? $"redis-server not found at AppHost:Redis:Executable '{configured}': install it with 'apt-get install -y redis-server'"
                : "redis-server not found: install it with 'apt-get install -y redis-server' or set AppHost:Redis:Executable");
        var (command, leadingArgs) = LocalProcess.WithCleanEnvironment(executable);
        var redis = new LocalRedisResource(name, command, Path.Combine(dataDirectory, name), password.Resource);
        var port = LocalProcess.FreePort();
        var configFile = Path.Combine(redis.Folder, "redis.conf");

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (@event, cancellationToken) =>
        {
            Directory.CreateDirectory(redis.Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var secret = await password.Resource.GetValueAsync(cancellationToken);
            // Bounded memory: entries with a TTL (cache entries, rate-limit windows) are evicted least recently used
            // first; keys without one (the cache generations) never are, so an eviction never serves a stale entry.
            await File.WriteAllTextAsync(configFile, string.Create(CultureInfo.InvariantCulture, $"""
                bind 127.0.0.1
                port {port}
                requirepass {secret}
                dir {redis.Folder}
                save ""
                appendonly no
                maxmemory 256mb
                maxmemory-policy volatile-lru
                """), cancellationToken);
            File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        });

        var healthCheckKey = $"{name}_check";
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken));
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException("Connection string is unavailable"), name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalRedisResource.PrimaryEndpointName, isProxied: false)
            .WithArgs([.. leadingArgs, configFile])
            .WithIconName("Memory")
            .WithHealthCheck(healthCheckKey);
    }
}
