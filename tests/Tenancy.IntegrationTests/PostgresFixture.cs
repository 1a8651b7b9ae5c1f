using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tenancy.Migrations;
using Tenancy.Sales;

namespace Tenancy.IntegrationTests;

/// <summary>
/// A real PostgreSQL server, a Redis server and Azurite's blob service (the AppHost's own local-server resources, run by Aspire's DCP on a
/// throwaway data folder) with the registry migrated, and a service provider wired as the Api wires the tenancy core.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private DistributedApplication? _servers;

    public string ConnectionString { get; private set; } = "";

    public string CacheConnectionString { get; private set; } = "";

    /// <summary>Azurite's blob service (the AppHost's <c>files</c> resource), for tenant files.</summary>
    public string FilesConnectionString { get; private set; } = "";

    /// <summary>The servers, so tests can stop and start Redis.</summary>
    public DistributedApplication Servers => _servers ?? throw new InvalidOperationException("Not started.");

    public IServiceProvider Services { get; private set; } = null!;

    private string _dataDirectory = "";

    public async Task InitializeAsync()
    {
        // Short and under /tmp: the postgres OS user must reach it.
        _dataDirectory = Path.Combine(Path.GetTempPath(), "tenancy-tests", "it-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = DistributedApplicationTestingBuilder.Create(
            $"--{LocalServerFolders.DataDirectoryKey}={_dataDirectory}",
            "--AppHost:Ephemeral=true");
        builder.Services.AddLogging(logging => logging
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("", LogLevel.Warning));
        builder.AddLocalPostgres("postgres").AddDatabase("tenancydb");
        builder.AddLocalRedis("cache");
        builder.AddLocalAzurite("files");
        _servers = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _servers.StartAsync(timeout.Token);
        await _servers.ResourceNotifications.WaitForResourceHealthyAsync("tenancydb", timeout.Token);
        await _servers.ResourceNotifications.WaitForResourceHealthyAsync("cache", timeout.Token);
        await _servers.ResourceNotifications.WaitForResourceHealthyAsync("files", timeout.Token);
        ConnectionString = (await _servers.GetConnectionStringAsync("tenancydb"))!;
        CacheConnectionString = (await _servers.GetConnectionStringAsync("cache"))!;
        FilesConnectionString = (await _servers.GetConnectionStringAsync("files"))!;

        Services = CreateServices(ConnectionString);
        await Services.GetRequiredService<TenantMigrationRunner>().MigrateSharedAsync();
    }

    /// <summary>The tenancy core as a service would have it, over <paramref name="connectionString"/>.</summary>
    public static IServiceProvider CreateServices(string connectionString, Action<TenancyBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:tenancydb"] = connectionString });
        var tenancy = builder.AddTenancy<SalesDbContext>("tenancydb").WithSalesPlans();
        configure?.Invoke(tenancy);
        return builder.Build().Services;
    }

    /// <summary>A database of its own on the same server, registry migrated, for tests that work on "all tenants".</summary>
    public async Task<IServiceProvider> CreateIsolatedDatabaseAsync()
    {
        var services = CreateServices(await CreateEmptyDatabaseAsync(ConnectionString));
        await services.GetRequiredService<TenantMigrationRunner>().MigrateSharedAsync();
        return services;
    }

    /// <summary>A new, empty database on <paramref name="serverConnectionString"/>'s server; returns its connection string.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string serverConnectionString)
    {
        var name = "db_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new Npgsql.NpgsqlConnection(serverConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>A fresh identifier, so tests sharing the database never collide.</summary>
    public static string NewIdentifier(string prefix = "t") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public async Task DisposeAsync()
    {
        if (Services is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
