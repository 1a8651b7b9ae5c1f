using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>Healthy when the server says it is ready and answers; it is asked only once it says so.</summary>
internal sealed class LocalPostgresHealthCheck(LocalPostgresServerResource server) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!PostgresCluster.IsReady(server.DataFolder))
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is starting");
        }

        return await PostgresConnectionHealthCheck.ProbeAsync(
            await server.ConnectionStringExpression.GetValueAsync(cancellationToken) + ";Database=postgres", cancellationToken);
    }
}

/// <summary>
/// Healthy when a connection with the resource's own connection string runs <c>SELECT 1</c>. Asked only once the
/// AppHost has made what the connection needs (a database, a role): PostgreSQL logs a failed attempt as FATAL.
/// </summary>
internal sealed class PostgresConnectionHealthCheck(IResourceWithConnectionString resource, Func<bool> isCreated) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        !isCreated()
            ? HealthCheckResult.Unhealthy($"{resource.Name} is being created")
            : await ProbeAsync(await resource.ConnectionStringExpression.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet"), cancellationToken);

    public static async Task<HealthCheckResult> ProbeAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=3");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }
    }
}
