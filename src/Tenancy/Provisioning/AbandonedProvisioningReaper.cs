using Microsoft.Extensions.Options;
using Tenancy.Placement;
using Tenancy.Registry;

namespace Tenancy.Provisioning;

/// <summary>
/// Removes database-tier creations that were interrupted and not retried: a <c>Provisioning</c> row older than
/// <see cref="ProvisioningOptions.AbandonAfterSeconds"/> whose lease nobody holds loses its database, then the row, so
/// no database outlives its creation and the identifier is free again.
/// </summary>
public sealed class AbandonedProvisioningReaper(TenantRegistry registry, TenantStoreConnections stores, IOptions<ProvisioningOptions> options, TimeProvider clock)
{
    /// <summary>Removes every abandoned creation; returns the identifiers it freed.</summary>
    public async Task<IReadOnlyList<string>> RemoveAbandonedAsync(CancellationToken cancellationToken = default)
    {
        var candidates = await registry.ListProvisioningSinceAsync(clock.GetUtcNow().AddSeconds(-options.Value.AbandonAfterSeconds), cancellationToken);
        var removed = new List<string>();
        foreach (var candidate in candidates)
        {
            await using var transaction = await registry.BeginAsync(cancellationToken);
            // A live attempt (or a retry resuming it) holds the lease: leave it alone.
            if (!await ProvisioningLease.TryTakeAsync(transaction, candidate.Identifier, cancellationToken))
            {
                continue;
            }

            if (await ProvisioningLease.RemoveAsync(transaction, registry, stores, candidate.Id, cancellationToken))
            {
                await transaction.CommitAsync(cancellationToken);
                removed.Add(candidate.Identifier);
            }
        }

        return removed;
    }
}
