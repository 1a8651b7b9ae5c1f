using Npgsql;
using Tenancy.Placement;
using Tenancy.Registry;

namespace Tenancy.Provisioning;

/// <summary>
/// Who may work on an identifier's creation: the holder of a transaction-scoped advisory lock on it. A live attempt
/// holds it from its first look at the registry to its last commit; a killed one loses it with its session, so a
/// retry or the Worker takes over at once and never races a live attempt. Transaction-scoped, so a transaction
/// pooler (PgBouncer) keeps it on one server session.
/// </summary>
internal static class ProvisioningLease
{
    public static async Task<bool> TryTakeAsync(RegistryTransaction transaction, string identifier, CancellationToken cancellationToken)
    {
        await using var command = transaction.CreateCommand("SELECT pg_try_advisory_xact_lock(hashtextextended('provisioning:' || $1, 0))");
        command.Parameters.Add(new NpgsqlParameter { Value = identifier });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Removes an unfinished creation, under the lease: its database first, then its registry row (domains and
    /// migration records go with it), so the identifier is free again and no database outlives its row. Read again
    /// under the lease: a creation completed in the meantime is left as it is. Returns whether it removed one.
    /// </summary>
    public static async Task<bool> RemoveAsync(
        RegistryTransaction transaction, TenantRegistry registry, TenantStoreConnections stores, Guid tenantId, CancellationToken cancellationToken)
    {
        if (await registry.LockProvisioningAsync(transaction, tenantId, cancellationToken) is not { } creation)
        {
            return false;
        }

        if (creation.DatabaseName is { } databaseName)
        {
            await TenantDatabases.DropAsync(stores, databaseName, creation.ConnectionReference, cancellationToken);
        }

        await registry.RemoveRowAsync(transaction, tenantId, cancellationToken);
        return true;
    }
}
