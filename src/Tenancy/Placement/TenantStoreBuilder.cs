using Npgsql;
using Tenancy.Deletion;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Moves;
using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>Builds a tenant's empty store at a location, and removes a tenant's copy from one (moves, restores, clones).</summary>
public sealed class TenantStoreBuilder(Registry.TenantRegistry registry, TenantStoreConnections stores, TenantDatabasePools pools, TenantMigrationCatalog catalog)
{
    /// <summary>Builds an empty store at <paramref name="to"/>, first dropping whatever a killed attempt left there.</summary>
    public async Task PrepareAsync(TenantStoreLocation to, Guid tenantId, CancellationToken cancellationToken)
    {
        switch (to.Isolation)
        {
            case TenantIsolation.Database:
                await TenantDatabases.CreateAsync(stores, to.DatabaseName!, to.ConnectionReference, to.Schema, catalog.Migrations, registry, cancellationToken);
                break;
            case TenantIsolation.Shared:
                await RemoveAsync(to, tenantId, cancellationToken);
                break;
            default:
                await using (var connection = new NpgsqlConnection(to.OwnerConnectionString))
                {
                    await connection.OpenAsync(cancellationToken);
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await using (var create = new NpgsqlCommand(
                        $"DROP SCHEMA IF EXISTS {SqlIdentifier.Quote(to.Schema)} CASCADE; CREATE SCHEMA {SqlIdentifier.Quote(to.Schema)}", connection, transaction))
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await TenantSchemaMigrator.ApplyScriptsAsync(connection, transaction, to.Schema, catalog.Migrations, stores.ApplicationRole, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                break;
        }
    }

    /// <summary>Removes the tenant's copy at <paramref name="location"/>.</summary>
    public async Task RemoveAsync(TenantStoreLocation location, Guid tenantId, CancellationToken cancellationToken)
    {
        switch (location.Isolation)
        {
            case TenantIsolation.Database:
                pools.Evict(stores.ApplicationFor(location.DatabaseName!, location.ConnectionReference));
                await TenantDatabases.DropAsync(stores, location.DatabaseName!, location.ConnectionReference, cancellationToken);
                break;
            case TenantIsolation.Shared:
                await using (var connection = new NpgsqlConnection(location.OwnerConnectionString))
                {
                    await connection.OpenAsync(cancellationToken);
                    await TenantDataReaper.DeleteSharedRowsAsync(connection, tenantId, cancellationToken);
                }

                break;
            default:
                await using (var connection = new NpgsqlConnection(location.OwnerConnectionString))
                {
                    await connection.OpenAsync(cancellationToken);
                    await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {SqlIdentifier.Quote(location.Schema)} CASCADE", connection);
                    await drop.ExecuteNonQueryAsync(cancellationToken);
                }

                break;
        }
    }
}
