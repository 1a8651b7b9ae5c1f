using Tenancy.Migrations;

namespace Tenancy.Api.Infrastructure;

/// <summary>
/// Makes sure the registry is current before the Api serves (hosted services start before the server does).
/// <c>Tenancy:Migrations:OnStartup</c>: <c>Apply</c> (default, local development) migrates under the replicas'
/// advisory lock, and tenants too where <c>Tenancy:Migrations:ApplyToTenantsOnStartup</c>; <c>Wait</c> (cloud
/// deploys, where the Worker migrates) waits until no shared migration is pending.
/// </summary>
internal sealed class StartupMigrations(StartupMigrator migrator, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.Equals(configuration["Tenancy:Migrations:OnStartup"], "Wait", StringComparison.OrdinalIgnoreCase))
        {
            await migrator.WaitForSharedSchemaAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return;
        }

        await migrator.MigrateAsync(
            includeTenants: configuration.GetValue("Tenancy:Migrations:ApplyToTenantsOnStartup", false),
            cancellationToken: cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
