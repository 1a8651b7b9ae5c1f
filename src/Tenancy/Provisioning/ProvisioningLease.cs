using Npgsql;
using Tenancy.Placement;

namespace Tenancy.Provisioning;

/// <summary>
/// Who may work on an identifier's creation: the holder of a transaction-scoped advisory lock on it. A live attempt
/// holds it from its first look at the registry to its last commit; a killed one loses it with its session, so a
/// retry or the Worker takes over at once and never races a live attempt. Transaction-scoped, so a transaction
/// pooler (PgBouncer) keeps it on one server session.
/// </summary>
internal static class ProvisioningLease
{
    public static async Task<bool> TryTakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string identifier, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtextextended('provisioning:' || $1, 0))", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = identifier });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Removes an unfinished creation, under the lease: its database first, then its registry row (domains and
    /// migration records go with it), so the identifier is free again and no database outlives its row. Read again
    /// under the lease: a creation completed in the meantime is left as it is. Returns whether it removed one.
    /// </summary>
    public static async Task<bool> RemoveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TenantStoreConnections stores, Guid tenantId, CancellationToken cancellationToken)
    {
        string? databaseName, reference;
        await using (var find = new NpgsqlCommand(
            "SELECT database_name, connection_reference FROM tenancy.tenants WHERE id = $1 AND status = 'Provisioning' FOR UPDATE", connection, transaction))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            (databaseName, reference) = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        }

        if (databaseName is not null)
        {
            await TenantDatabases.DropAsync(stores, databaseName, reference, cancellationToken);
        }

        await using var delete = new NpgsqlCommand("DELETE FROM tenancy.tenants WHERE id = $1", connection, transaction);
        delete.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await delete.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }
}
