using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting;

public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// A PostgreSQL server from the machine's binaries (<c>AppHost:Postgres:BinDirectory</c>, else the newest under
    /// /usr/lib/postgresql), for machines without a container runtime. Its cluster lives in the AppHost's data folder
    /// and its superuser password in that folder's <c>secrets/</c>, both made on the first run.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var configuration = builder.Configuration;
        var dataDirectory = LocalServerFolders.DataDirectory(configuration);
        var password = builder.AddParameter($"{name}-password", () => LocalServerFolders.ReadOrCreateSecret(dataDirectory, $"{name}.password"), secret: true);
        // Checked before anything starts: the AppHost stops with the reason instead of waiting on a server that cannot run.
        var binDirectory = PostgresCluster.FindBinDirectory(configuration["AppHost:Postgres:BinDirectory"])
            ?? throw new DistributedApplicationException(
                "PostgreSQL server binaries not found: install them with 'apt-get install -y postgresql' or set AppHost:Postgres:BinDirectory");
        var (command, leadingArgs) = LocalProcess.AsServiceUser(Path.Combine(binDirectory, "postgres"));
        var server = new LocalPostgresServerResource(name, command, Path.Combine(dataDirectory, name), password.Resource);
        PostgresCluster.ThrowIfInUse(server.ClusterFolder);
        var port = LocalProcess.FreePort();

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            await PostgresCluster.PrepareAsync(server, binDirectory, logger, cancellationToken);
        });

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, cancellationToken) =>
        {
            await using var connection = new NpgsqlConnection(await server.ConnectionStringExpression.GetValueAsync(cancellationToken) + ";Database=postgres;Pooling=false");
            await connection.OpenAsync(cancellationToken);
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in server.Databases)
            {
                if (await CreateDatabaseAsync(connection, database.DatabaseName, cancellationToken))
                {
                    logger.LogInformation("Created database {Database}", database.DatabaseName);
                }

                database.IsCreated = true;
                await notifications.PublishUpdateAsync(database, state => state with { State = KnownResourceStates.Running });
            }
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey, _ => new LocalPostgresHealthCheck(server), failureStatus: default, tags: default));

        return builder.AddResource(server)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalPostgresServerResource.PrimaryEndpointName, isProxied: false)
            .WithArgs([.. leadingArgs, .. ServerArgs(server, port, LocalServerFolders.IsEphemeral(configuration))])
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey);
    }

    private static IEnumerable<string> ServerArgs(LocalPostgresServerResource server, int port, bool ephemeral)
    {
        string[] args =
        [
            "-D", server.DataFolder, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Loopback TCP only: no Unix socket folder to own, nothing reachable from elsewhere.
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300",
            // A failed query is reported to the client that sent it, which logs it if it matters (EF and Hangfire
            // probe for tables that a first run has not made yet); the server's log keeps the server's own events.
            "-c", "log_min_messages=log", "-c", "log_min_error_statement=panic",
        ];
        // Test data is thrown away: durability only costs time.
        return ephemeral ? [.. args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : args;
    }

    /// <summary>A database on the local server, created when the server is ready (and kept when it exists).</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> server, [ResourceName] string name, string? databaseName = null)
    {
        databaseName ??= name;
        var database = new LocalPostgresDatabaseResource(name, databaseName, server.Resource);
        server.Resource.Databases.Add(database);

        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresConnectionHealthCheck(database, () => database.IsCreated), failureStatus: default, tags: default));
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new() { ResourceType = "PostgresDatabase", State = KnownResourceStates.Waiting, Properties = [] })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey);
    }

    private static async Task<bool> CreateDatabaseAsync(NpgsqlConnection connection, string databaseName, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = databaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return false;
        }

        // Identifiers cannot be parameters: the name is quoted, and comes from the AppHost's code, not from input.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }
}
