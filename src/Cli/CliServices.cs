using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using Tenancy.Accounts;
using Tenancy.Caching;
using Tenancy.Sales;

namespace Tenancy.Cli;

/// <summary>
/// The tenancy core wired as the Api wires it, over the connections found (<see cref="CliConnections"/>). The host
/// is built, never started: a command needs the services, not the hosted ones (such as the registry change listener).
/// </summary>
internal sealed class CliServices : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly AsyncServiceScope _scope;
    private readonly CliConnections _connections;

    private CliServices(IHost host, CliConnections connections)
    {
        _host = host;
        _scope = host.Services.CreateAsyncScope();
        _connections = connections;
    }

    /// <summary>Services over <paramref name="connections"/>.</summary>
    public static CliServices Open(CliConnections connections)
    {
        // No defaults: no appsettings.json from the working folder and no console logging mixed into the output.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The environment still configures the core as it does the Api's (Tenancy__RootDomains__0, Tenancy__Plans__...).
        builder.Configuration.AddEnvironmentVariables();
        // Exactly the connections found, whatever else ConnectionStrings__* holds: a -direct one left in the
        // environment would otherwise take the owner's work to another database.
        builder.Configuration.AddInMemoryCollection(
        [
            new($"ConnectionStrings:{CliConnections.DatabaseName}", connections.Database),
            new($"ConnectionStrings:{CliConnections.ApplicationName}", connections.Application),
            new($"ConnectionStrings:{CliConnections.DatabaseName}-direct", null),
        ]);
        builder.Logging.ClearProviders();
        builder.AddTenancy<SalesDbContext>(CliConnections.DatabaseName);
        builder.AddTenancyAccountStore();
        if (connections.Cache is { } cache)
        {
            var options = ConfigurationOptions.Parse(cache);
            options.AbortOnConnectFail = false;
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
            builder.AddTenantCaching();
        }

        return new CliServices(builder.Build(), connections);
    }

    /// <exception cref="CliUsageException">No cache is configured.</exception>
    public TenantCache GetCache() =>
        _scope.ServiceProvider.GetService<TenantCache>() ?? throw new CliUsageException(_connections.File is { } file
            ? $"no cache: {file} names none, and {CliConnections.CacheVariable} is not set"
            : $"no cache: set {CliConnections.CacheVariable}");

    public T Get<T>()
        where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        if (_host is IAsyncDisposable host)
        {
            await host.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
