using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tenancy.Migrations;

/// <summary>
/// Makes sure the registry (and, when asked, every tenant) is current before the host serves or runs jobs: it is the
/// first hosted service (<see cref="TenancyExtensions.WithStartupMigrations"/>), and hosted services start in order.
/// </summary>
internal sealed class StartupMigrationService(StartupMigrator migrator, IOptions<StartupMigrationOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.OnStartup == StartupMigrationMode.Wait)
        {
            await migrator.WaitForSharedSchemaAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return;
        }

        await migrator.MigrateAsync(settings.ApplyToTenantsOnStartup, settings.Parallelism, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
