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
/// The tenancy core wired as the Api wires it, over the chosen database. The host is built, never started: a
/// command needs the services, not the hosted ones (such as the registry change listener).
/// </summary>
internal sealed class CliServices : IAsyncDisposable
{
    public const string ConnectionName = "tenancydb";
    public const string ConnectionVariable = "ConnectionStrings__" + ConnectionName;
    public const string CacheConnectionVariable = "ConnectionStrings__cache";

    private readonly IHost _host;
    private readonly AsyncServiceScope _scope;

    private CliServices(IHost host)
    {
        _host = host;
        _scope = host.Services.CreateAsyncScope();
    }

    /// <summary>Services over <paramref name="connectionString"/>, or else the <c>ConnectionStrings__tenancydb</c> environment variable.</summary>
    /// <exception cref="CliUsageException">Neither is set, or the connection string is malformed.</exception>
    public static CliServices Open(string? connectionString)
    {
        connectionString ??= Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new CliUsageException($"no database: pass --connection or set {ConnectionVariable}");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException($"invalid connection string: {ex.Message}");
        }

        // No defaults: no appsettings.json from the working folder and no console logging mixed into the output.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The environment still configures the core as it does the Api's (Tenancy__RootDomains__0, Tenancy__Plans__...).
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection([new($"ConnectionStrings:{ConnectionName}", connectionString)]);
        builder.Logging.ClearProviders();
        builder.AddTenancy<SalesDbContext>(ConnectionName);
        builder.AddTenancyAccountStore();
        if (Environment.GetEnvironmentVariable(CacheConnectionVariable) is { Length: > 0 } cache)
        {
            var options = ConfigurationOptions.Parse(cache);
            options.AbortOnConnectFail = false;
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
            builder.AddTenantCaching();
        }

        return new CliServices(builder.Build());
    }

    /// <exception cref="CliUsageException">No cache is configured.</exception>
    public TenantCache GetCache() =>
        _scope.ServiceProvider.GetService<TenantCache>() ?? throw new CliUsageException($"no cache: set {CacheConnectionVariable}");

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
