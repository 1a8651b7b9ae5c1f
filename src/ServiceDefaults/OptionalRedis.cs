using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Redis is the services' cache, never their store: they keep serving from PostgreSQL while it is away. What that
/// asks of Aspire's Redis client integration, whose defaults suit a store (its health check: <see cref="DependencyHealthChecks"/>).
/// </summary>
public static class OptionalRedis
{
    /// <summary>For <c>builder.AddRedisClient(name, configureOptions: OptionalRedis.Configure)</c>.</summary>
    public static void Configure(ConfigurationOptions options)
    {
        // Start without Redis and reconnect when it comes back, rather than failing the whole service (Aspire's
        // default too, stated here since the service depends on it); while it is away, commands fail at once
        // instead of queueing until a timeout, so requests fall back to PostgreSQL without waiting.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
    }
}
