using Tenancy.Changes;
using Tenancy.Registry;

namespace Tenancy.Placement;

/// <summary>
/// Hears <see cref="TenantDatabases.DropAsync"/>'s announcement on the registry's channel, from whichever process
/// dropped the database, and closes this process's pooled connections to it.
/// </summary>
internal sealed class DroppedDatabaseSubscriber(TenantStoreConnections stores, TenantDatabasePools pools) : IChangeSubscriber
{
    public string Channel => RegistryDbContext.ChangeChannel;

    // Pools hold nothing a missed announcement could make wrong for long: idle pools close within seconds anyway.
    public void OnListening(bool listening)
    {
    }

    public void OnChanged(string payload)
    {
        if (TenantDatabases.TryReadDropped(payload, out var database, out var reference))
        {
            TenantDatabases.ForgetPools(stores, pools, database, reference);
        }
    }
}
