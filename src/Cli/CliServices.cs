using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using Tenancy.Accounts;
using Tenancy.Caching;
using Tenancy.Features;
using Tenancy.Files;
using Tenancy.Migrations;
using Tenancy.Sales;
using Tenancy.Settings;
using Tenancy.Usage;

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
    /// <param name="buildsStores">The command creates tenant stores or tables, which the application role must be granted.</param>
    /// <exception cref="CliFailureException">The command builds stores, and whom to grant them is unclear.</exception>
    public static async Task<CliServices> OpenAsync(CliConnections connections, bool buildsStores, CancellationToken cancellationToken)
    {
        var applicationRole = connections.Application is null ? await GrantedRoleAsync(connections.Database, buildsStores, cancellationToken) : null;

        // No defaults: no appsettings.json from the working folder and no console logging mixed into the output.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Feature flags as the Api defines them (its appsettings.json, shipped beside the CLI), so both evaluate alike.
        builder.Configuration.AddInMemoryCollection(ApiFeatureDefinitions());
        // The environment still configures the core as it does the Api's (Tenancy__RootDomains__0, Tenancy__Plans__...).
        builder.Configuration.AddEnvironmentVariables();
        // Exactly the connections found, whatever else ConnectionStrings__* holds: a -direct one left in the
        // environment would otherwise take the owner's work to another database.
        builder.Configuration.AddInMemoryCollection(
        [
            new($"ConnectionStrings:{CliConnections.DatabaseName}", connections.Database),
            new($"ConnectionStrings:{CliConnections.ApplicationName}", connections.Application),
            new($"ConnectionStrings:{CliConnections.DatabaseName}-direct", null),
            new($"ConnectionStrings:{CliConnections.FilesName}", connections.Files),
        ]);
        builder.Logging.ClearProviders();
        var tenancy = builder.AddTenancy<SalesDbContext>(CliConnections.DatabaseName, applicationRole)
            .WithSalesPlans()
            .WithAccountStore()
            // Usage reports and limits (read and set); this host is never started, so it flushes nothing.
            .WithUsage()
            .WithFeatures()
            .WithSettings();
        if (connections.Cache is { } cache)
        {
            var options = ConfigurationOptions.Parse(cache);
            options.AbortOnConnectFail = false;
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
            tenancy.WithCaching();
        }

        if (connections.Files is not null)
        {
            // As the Api and the Worker: backup, restore, clone and the deleted tenants' sweep take the files along.
            tenancy.WithFiles(CliConnections.FilesName);
        }

        return new CliServices(builder.Build(), connections);
    }

    /// <summary>
    /// Without the application role's connection string, the role the services serve tenant data as, read from the
    /// grants on the shared schema: the stores this command builds are granted to it as the Api's would be, and the
    /// Api can serve them at once. Null when the owner serves tenant data (no role is granted anything).
    /// </summary>
    private static async Task<string?> GrantedRoleAsync(string database, bool buildsStores, CancellationToken cancellationToken)
    {
        await using var owner = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await owner.OpenAsync(cancellationToken);
        var roles = await ApplicationRoleSetup.GrantedRolesAsync(owner, cancellationToken);
        if (roles.Count > 1 && buildsStores)
        {
            // Granting all of them could open tenants to a role that should not see them; granting none makes stores the Api cannot read.
            throw new CliFailureException(
                $"the shared schema is granted to the roles {string.Join(", ", roles)}, so which one serves tenant data is unclear and nothing was done: " +
                $"give the application role's connection string ({CliConnections.ApplicationVariable})");
        }

        return roles.Count == 1 ? roles[0] : null;
    }

    /// <summary>The <c>FeatureManagement</c> section of the Api's appsettings.json (and nothing else of it), if it was shipped.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> ApiFeatureDefinitions() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, ApiSettingsFile), optional: true).Build()
            .GetSection("FeatureManagement").AsEnumerable();

    /// <summary>The Api's appsettings.json as Cli.csproj copies it beside the CLI.</summary>
    internal const string ApiSettingsFile = "api.appsettings.json";

    /// <exception cref="CliUsageException">No cache is configured.</exception>
    public TenantCache GetCache() =>
        _scope.ServiceProvider.GetService<TenantCache>() ?? throw new CliUsageException(_connections.File is { } file
            ? $"no cache: {file} names none, and {CliConnections.CacheVariable} is not set"
            : $"no cache: set {CliConnections.CacheVariable}");

    public T Get<T>()
        where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>A service this command's connections may not provide (the cache's, when no cache is configured).</summary>
    public T? Find<T>()
        where T : notnull => _scope.ServiceProvider.GetService<T>();

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
