using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aspire.Hosting;

public static class PostgresRoleBuilderExtensions
{
    /// <summary>
    /// A login role <paramref name="roleName"/> for <paramref name="database"/>, created (or given a new password)
    /// when the database is ready; works the same for a container server and a local one.
    /// </summary>
    public static IResourceBuilder<PostgresRoleResource> AddRole(this IResourceBuilder<PostgresDatabaseResource> database, [ResourceName] string name, string roleName) =>
        database.AddRole(name, roleName, database.Resource.Parent.PrimaryEndpoint, database.Resource.DatabaseName);

    /// <inheritdoc cref="AddRole(IResourceBuilder{PostgresDatabaseResource}, string, string)"/>
    public static IResourceBuilder<PostgresRoleResource> AddRole(this IResourceBuilder<LocalPostgresDatabaseResource> database, [ResourceName] string name, string roleName) =>
        database.AddRole(name, roleName, database.Resource.Parent.PrimaryEndpoint, database.Resource.DatabaseName);

    private static IResourceBuilder<PostgresRoleResource> AddRole<T>(
        this IResourceBuilder<T> database, string name, string roleName, EndpointReference server, string databaseName)
        where T : IResourceWithConnectionString
    {
        var builder = database.ApplicationBuilder;
        var password = builder.AddParameter($"{name}-password", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(), secret: true);
        var role = new PostgresRoleResource(name, roleName, database.Resource, server, databaseName, password.Resource);

        builder.Eventing.Subscribe<ResourceReadyEvent>(database.Resource, async (@event, cancellationToken) =>
        {
            await using var connection = new NpgsqlConnection(await database.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken) + ";Pooling=false");
            await connection.OpenAsync(cancellationToken);
            // Utility statements take no parameters: the server quotes the name and the password itself.
            await using var statement = new NpgsqlCommand(
                """
                SELECT format(CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) THEN 'ALTER' ELSE 'CREATE' END
                    || ' ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', $1, $2)
                """, connection)
            {
                Parameters = { new() { Value = roleName }, new() { Value = await password.Resource.GetValueAsync(cancellationToken) } },
            };
            await using var apply = new NpgsqlCommand((string)(await statement.ExecuteScalarAsync(cancellationToken))!, connection);
            await apply.ExecuteNonQueryAsync(cancellationToken);
            role.IsCreated = true;
            await @event.Services.GetRequiredService<ResourceNotificationService>()
                .PublishUpdateAsync(role, state => state with { State = KnownResourceStates.Running });
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresConnectionHealthCheck(role, () => role.IsCreated), failureStatus: default, tags: default));
        return builder.AddResource(role)
            .WithInitialState(new() { ResourceType = "PostgresRole", State = KnownResourceStates.Waiting, Properties = [] })
            .WithIconName("Person")
            .WithHealthCheck(healthCheckKey);
    }
}
