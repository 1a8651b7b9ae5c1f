using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aspire.Hosting;

public static class LocalPgBouncerBuilderExtensions
{
    /// <summary>PgBouncer from the machine (<c>apt-get install -y pgbouncer</c>) pooling every database of <paramref name="database"/>'s server.</summary>
    public static IResourceBuilder<LocalPgBouncerResource> AddLocalPgBouncer<T>(this IDistributedApplicationBuilder builder, [ResourceName] string name, IResourceBuilder<T> database)
        where T : class, IResourceWithConnectionString
    {
        var executable = LocalProcess.Find("pgbouncer", "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")
            ?? throw new DistributedApplicationException("pgbouncer not found: install it with 'apt-get install -y pgbouncer'");
        var (command, leadingArgs) = LocalProcess.AsServiceUser(executable);
        var folder = Path.Combine(LocalServerFolders.DataDirectory(builder.Configuration), name);
        var pooler = new LocalPgBouncerResource(name, command, folder, database.Resource);
        var port = LocalProcess.FreePort();
        var iniFile = Path.Combine(folder, "pgbouncer.ini");

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(pooler, async (@event, cancellationToken) =>
        {
            Directory.CreateDirectory(folder);
            var server = new NpgsqlConnectionStringBuilder(await database.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
            var users = new StringBuilder().Append(CultureInfo.InvariantCulture, $"\"{server.Username}\" \"{server.Password}\"\n");
            foreach (var login in pooler.Logins)
            {
                users.Append(CultureInfo.InvariantCulture, $"\"{login.RoleName}\" \"{await login.PasswordParameter.GetValueAsync(cancellationToken)}\"\n");
            }

            var authFile = Path.Combine(folder, "users.txt");
            await File.WriteAllTextAsync(authFile, users.ToString(), cancellationToken);
            File.SetUnixFileMode(authFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await File.WriteAllTextAsync(iniFile, string.Create(CultureInfo.InvariantCulture, $"""
                [databases]
                * = host={server.Host} port={server.Port}

                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = {port}
                unix_socket_dir =
                auth_type = scram-sha-256
                auth_file = {authFile}
                pool_mode = transaction
                max_client_conn = 2000
                default_pool_size = 40
                ignore_startup_parameters = extra_float_digits
                """), cancellationToken);
            await LocalProcess.GiveToServiceUserAsync(folder, cancellationToken);
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresConnectionHealthCheck(pooler, () => true), failureStatus: default, tags: default));

        return builder.AddResource(pooler)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalPgBouncerResource.PrimaryEndpointName, isProxied: false)
            .WithArgs([.. leadingArgs, iniFile])
            .WithIconName("ArrowSplit")
            .WithHealthCheck(healthCheckKey)
            .WaitFor(database);
    }

    /// <summary>Lets <paramref name="role"/> log in through the pooler; services get its connection string through it.</summary>
    public static IResourceBuilder<PgBouncerLoginResource> AddLogin(this IResourceBuilder<LocalPgBouncerResource> pooler, [ResourceName] string name, IResourceBuilder<PostgresRoleResource> role)
    {
        pooler.Resource.Logins.Add(role.Resource);
        pooler.WaitFor(role);
        var login = new PgBouncerLoginResource(name, pooler.Resource, role.Resource);
        // A login is usable once the pooler is: it has no process or check of its own.
        pooler.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(pooler.Resource, (@event, _) =>
            @event.Services.GetRequiredService<ResourceNotificationService>()
                .PublishUpdateAsync(login, state => state with { State = KnownResourceStates.Running }));
        return pooler.ApplicationBuilder.AddResource(login)
            .WithInitialState(new() { ResourceType = "PgBouncerLogin", State = KnownResourceStates.Waiting, Properties = [] });
    }
}
