using Tenancy.Migrations;

namespace Tenancy.Worker;

/// <summary>
/// Applies the shared and every tenant's migrations before the job server starts (hosted services start in
/// order), under the advisory lock that keeps replicas and the Api from racing. In a cloud deploy the Worker is
/// the one that migrates; the Api waits for the shared schema.
/// </summary>
internal sealed class StartupMigrations(StartupMigrator migrator, IConfiguration configuration) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        migrator.MigrateAsync(
            includeTenants: true,
            parallelism: configuration.GetValue("Tenancy:Migrations:Parallelism", 4),
            cancellationToken: cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
