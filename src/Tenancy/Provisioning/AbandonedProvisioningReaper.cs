using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Placement;

namespace Tenancy.Provisioning;

/// <summary>
/// Removes database-tier creations that were interrupted and not retried: a <c>Provisioning</c> row older than
/// <see cref="ProvisioningOptions.AbandonAfterSeconds"/> whose lease nobody holds loses its database, then the row, so
/// no database outlives its creation and the identifier is free again.
/// </summary>
public sealed class AbandonedProvisioningReaper(NpgsqlDataSource dataSource, TenantStoreConnections stores, IOptions<ProvisioningOptions> options, TimeProvider clock)
{
    /// <summary>Removes every abandoned creation; returns the identifiers it freed.</summary>
    public async Task<IReadOnlyList<string>> RemoveAbandonedAsync(CancellationToken cancellationToken = default)
    {
        var candidates = new List<(Guid Id, string Identifier)>();
        await using (var select = dataSource.CreateCommand(
            "SELECT id, identifier FROM tenancy.tenants WHERE status = 'Provisioning' AND updated_at < $1"))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow().AddSeconds(-options.Value.AbandonAfterSeconds) });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        var removed = new List<string>();
        foreach (var candidate in candidates)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // A live attempt (or a retry resuming it) holds the lease: leave it alone.
            if (!await ProvisioningLease.TryTakeAsync(connection, transaction, candidate.Identifier, cancellationToken))
            {
                continue;
            }

            if (await ProvisioningLease.RemoveAsync(connection, transaction, stores, candidate.Id, cancellationToken))
            {
                await transaction.CommitAsync(cancellationToken);
                removed.Add(candidate.Identifier);
            }
        }

        return removed;
    }
}
