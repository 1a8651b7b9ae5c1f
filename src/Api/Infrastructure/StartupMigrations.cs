using Tenancy.Migrations;

namespace Tenancy.Api.Infrastructure;

/// <summary>
/// Brings the registry (and, where configured, every tenant) to the latest migration before the Api serves:
/// hosted services start before the server does. Tenants with nothing pending cost one query in all.
/// </summary>
internal sealed partial class StartupMigrations(
    TenantMigrationRunner runner,
    IConfiguration configuration,
    ILogger<StartupMigrations> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var shared = await runner.MigrateSharedAsync(cancellationToken);
        LogShared(shared.Count);

        if (!configuration.GetValue("Tenancy:Migrations:ApplyToTenantsOnStartup", false))
        {
            return;
        }

        var results = await runner.MigrateTenantsAsync(parallelism: 4, cancellationToken: cancellationToken);
        foreach (var failed in results.Where(r => r.Outcome == TenantMigrationOutcome.Failed))
        {
            LogTenantFailed(failed.Identifier, failed.Error);
        }

        LogTenants(results.Count(r => r.Outcome == TenantMigrationOutcome.Migrated), results.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry migrations applied: {Count}")]
    private partial void LogShared(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant migrations: {Migrated} of {Total} tenants migrated")]
    private partial void LogTenants(int migrated, int total);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Identifier} failed to migrate: {Error}")]
    private partial void LogTenantFailed(string identifier, string? error);
}
