using Microsoft.Extensions.Logging;
using Npgsql;
using Tenancy.Registry;

namespace Tenancy.Migrations;

/// <summary>
/// Migrations at service start that are safe with replicas: every instance that migrates first takes one
/// PostgreSQL advisory lock (on a direct session, which a transaction pooler would not keep), so concurrent
/// starts run one after another and the later ones find nothing left to do. Instances that must not migrate
/// wait for the shared schema instead. Under the same lock, the application role is created if the server lacks it.
/// </summary>
public sealed partial class StartupMigrator(
    TenantMigrationRunner runner,
    TenantRegistry registry,
    RegistryConnection registryConnection,
    TimeProvider time,
    ILogger<StartupMigrator> logger)
{
    /// <summary>The advisory lock every service takes around startup migrations: "tenancy1" as a 64-bit key.</summary>
    public const long AdvisoryLockKey = 0x74656E616E637931;

    /// <summary>
    /// Applies the shared (registry) migrations and, when <paramref name="includeTenants"/>, every tenant's, under
    /// the advisory lock; waits for the lock while another instance holds it.
    /// </summary>
    public async Task<StartupMigrationResult> MigrateAsync(bool includeTenants, int parallelism = 4, CancellationToken cancellationToken = default)
    {
        // Unpooled: closing a pooled connection keeps its session (and so the lock) until the pool reuses it.
        await using var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(registryConnection.DirectConnectionString) { Pooling = false }.ConnectionString);
        await session.OpenAsync(cancellationToken);

        var waited = !await LockAsync(session, "SELECT pg_try_advisory_lock($1)", cancellationToken);
        if (waited)
        {
            LogWaitingForLock();
            await LockAsync(session, "SELECT pg_advisory_lock($1)", cancellationToken);
        }

        try
        {
            // Before the migrations, which grant the role the shared schema and every tenant's tables.
            if (runner.Stores.ApplicationRole is { } role
                && await ApplicationRoleSetup.EnsureAsync(session, runner.Stores.ApplicationConnectionString, cancellationToken))
            {
                LogRoleCreated(role);
            }

            var shared = await runner.MigrateSharedAsync(cancellationToken);
            LogShared(shared.Count);
            if (runner.Stores.ApplicationRole is { } applicationRole)
            {
                foreach (var (identifier, error) in await ApplicationRoleSetup.GrantDatabaseTenantsAsync(session, registry, runner.Stores, applicationRole, cancellationToken))
                {
                    LogGrantFailed(identifier, error);
                }
            }

            if (!includeTenants)
            {
                return new StartupMigrationResult(shared, [], waited);
            }

            var tenants = await runner.MigrateTenantsAsync(parallelism: parallelism, cancellationToken: cancellationToken);
            foreach (var failed in tenants.Where(r => r.Outcome == TenantMigrationOutcome.Failed))
            {
                LogTenantFailed(failed.Identifier, failed.Error);
            }

            LogTenants(tenants.Count(r => r.Outcome == TenantMigrationOutcome.Migrated), tenants.Count);
            return new StartupMigrationResult(shared, tenants, waited);
        }
        finally
        {
            // Ending the session would release it as well; unlocking hands it to the next instance at once.
            await LockAsync(session, "SELECT pg_advisory_unlock($1)", CancellationToken.None);
        }
    }

    /// <summary>Returns once no shared migration is pending, checking every <paramref name="pollInterval"/>.</summary>
    public async Task WaitForSharedSchemaAsync(TimeSpan pollInterval, CancellationToken cancellationToken = default)
    {
        var logged = false;
        while (await PendingSharedAsync(cancellationToken) is { Count: > 0 } pending)
        {
            if (!logged)
            {
                LogWaitingForSchema(pending.Count);
                logged = true;
            }

            await Task.Delay(pollInterval, time, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<string>> PendingSharedAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await runner.GetPendingSharedAsync(cancellationToken);
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            // PostgreSQL may still be starting (a managed server after a restart): not current yet.
            return ["(database unreachable)"];
        }
    }

    private static async Task<bool> LockAsync(NpgsqlConnection session, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, session) { Parameters = { new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey } } };
        // pg_advisory_lock blocks for as long as another instance migrates; only cancellation ends the wait.
        command.CommandTimeout = 0;
        return await command.ExecuteScalarAsync(cancellationToken) is not false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Another instance is migrating; waiting for the migration lock")]
    private partial void LogWaitingForLock();

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for {Count} shared migration(s) to be applied by the Worker")]
    private partial void LogWaitingForSchema(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the application role {Role} (no BYPASSRLS, owns nothing)")]
    private partial void LogRoleCreated(string role);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Identifier}'s database could not be granted to the application role: {Error}")]
    private partial void LogGrantFailed(string identifier, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry migrations applied: {Count}")]
    private partial void LogShared(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant migrations: {Migrated} of {Total} tenants migrated")]
    private partial void LogTenants(int migrated, int total);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Identifier} failed to migrate: {Error}")]
    private partial void LogTenantFailed(string identifier, string? error);
}

/// <summary>What a startup migration applied, and whether it had to wait for another instance first.</summary>
public sealed record StartupMigrationResult(
    IReadOnlyList<string> Shared,
    IReadOnlyList<TenantMigrationResult> Tenants,
    bool WaitedForLock);
