using Npgsql;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Provisioning;
using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>Creates and drops database-tier tenants' databases (on the main server, or the one a connection reference names).</summary>
public static class TenantDatabases
{
    /// <summary>
    /// Creates <paramref name="databaseName"/> with the tenant's schema at <paramref name="scripts"/>. A database of
    /// that name that no registry row names was left by a killed run, and is replaced; one that a row names is a conflict.
    /// </summary>
    public static async Task CreateAsync(
        TenantStoreConnections stores,
        string databaseName,
        string? reference,
        string schemaName,
        IReadOnlyList<TenantMigrationScript> scripts,
        Registry.TenantRegistry registry,
        CancellationToken cancellationToken)
    {
        if (await registry.IsDatabaseClaimedAsync(databaseName, reference, cancellationToken))
        {
            throw new TenantConflictException($"The database '{databaseName}' belongs to a tenant.");
        }

        await RecreateAsync(stores, databaseName, reference, schemaName, scripts, cancellationToken);
    }

    /// <summary>
    /// Drops <paramref name="databaseName"/> if it exists, then creates it with the tenant's schema at
    /// <paramref name="scripts"/>, for a caller that owns the name (provisioning, under its registry row's lease).
    /// </summary>
    public static async Task RecreateAsync(
        TenantStoreConnections stores,
        string databaseName,
        string? reference,
        string schemaName,
        IReadOnlyList<TenantMigrationScript> scripts,
        CancellationToken cancellationToken)
    {
        await DropAsync(stores, databaseName, reference, cancellationToken);
        await using (var server = await OpenServerAsync(stores, reference, cancellationToken))
        {
            // Names are derived by code from a validated identifier, and quoted.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(databaseName)}", server);
            await create.ExecuteNonQueryAsync(cancellationToken);
            if (stores.ApplicationRole is { } role && reference is null)
            {
                // Only the application role (and the owner) may connect to a tenant's database.
                await using var restrict = new NpgsqlCommand(TenantRowSecurity.GrantDatabaseSql(databaseName, role), server);
                await restrict.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        try
        {
            await using var tenantDatabase = new NpgsqlConnection(Unpooled(stores.OwnerFor(databaseName, reference)));
            await tenantDatabase.OpenAsync(cancellationToken);
            await TenantDatabaseMigrator.ApplyAsync(tenantDatabase, schemaName, scripts, reference is null ? stores.ApplicationRole : null, cancellationToken);
        }
        catch (Exception)
        {
            await DropAsync(stores, databaseName, reference, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Drops the database if it exists, closing whatever is connected to it, and announces it on the registry's
    /// channel: every process that pooled connections to it (each Api and Worker, whoever dropped it) forgets them
    /// (<see cref="ForgetPools"/>). Left in a pool, those dead connections would be handed out again once a database
    /// of the same name is made (a tenant moved back to the database tier), and fail: 57P01.
    /// </summary>
    public static async Task DropAsync(TenantStoreConnections stores, string databaseName, string? reference, CancellationToken cancellationToken)
    {
        await using (var server = await OpenServerAsync(stores, reference, cancellationToken))
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(databaseName)} WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        ForgetPools(stores, null, databaseName, reference);
        await using var registry = new NpgsqlConnection(Unpooled(stores.OwnerConnectionString));
        await registry.OpenAsync(cancellationToken);
        await using var announce = new NpgsqlCommand("SELECT pg_notify($1, $2)", registry);
        announce.Parameters.Add(new NpgsqlParameter { Value = Registry.RegistryDbContext.ChangeChannel });
        announce.Parameters.Add(new NpgsqlParameter { Value = DroppedPayload(databaseName, reference) });
        await announce.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>What <see cref="DropAsync"/> announces; the registry's own trigger sends an empty payload.</summary>
    public static string DroppedPayload(string databaseName, string? reference) => $"{DroppedPrefix}{databaseName}\t{reference}";

    /// <summary>The dropped database a registry notification's payload names, if it is a drop announcement.</summary>
    public static bool TryReadDropped(string payload, out string databaseName, out string? reference)
    {
        (databaseName, reference) = ("", null);
        if (!payload.StartsWith(DroppedPrefix, StringComparison.Ordinal) || payload[DroppedPrefix.Length..].Split('\t') is not [var name, var named])
        {
            return false;
        }

        (databaseName, reference) = (name, named.Length == 0 ? null : named);
        return true;
    }

    /// <summary>Closes this process's pooled connections to the database: the tenant-database pools and Npgsql's own (owner and application).</summary>
    public static void ForgetPools(TenantStoreConnections stores, TenantDatabasePools? pools, string databaseName, string? reference)
    {
        var application = stores.ApplicationFor(databaseName, reference);
        pools?.Evict(application);
        using var owner = new NpgsqlConnection(stores.OwnerFor(databaseName, reference));
        NpgsqlConnection.ClearPool(owner);
        using var app = new NpgsqlConnection(application);
        NpgsqlConnection.ClearPool(app);
    }

    private const string DroppedPrefix = "dropped-database:";

    private static async Task<NpgsqlConnection> OpenServerAsync(TenantStoreConnections stores, string? reference, CancellationToken cancellationToken)
    {
        // The server's own database of the connection (the main one, or the reference's): CREATE/DROP DATABASE run from any.
        var connection = new NpgsqlConnection(Unpooled(reference is null
            ? stores.OwnerConnectionString
            : stores.OwnerFor(new NpgsqlConnectionStringBuilder(stores.ReferenceConnectionString(reference)).Database ?? "postgres", reference)));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static string Unpooled(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
}
