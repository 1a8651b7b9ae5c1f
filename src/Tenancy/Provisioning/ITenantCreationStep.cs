using Npgsql;
using Tenancy.Tenants;

namespace Tenancy.Provisioning;

/// <summary>
/// Work that commits with a new tenant or not at all (its first owner): it runs in the creation's last transaction,
/// on the registry database, so no tenant ever becomes servable without it.
/// </summary>
public interface ITenantCreationStep
{
    Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="tenant"/>, created earlier, already has what this step adds: a retry of the same request.</summary>
    Task<bool> IsDoneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, CancellationToken cancellationToken);
}

/// <summary>The tenant, and whether this call created it (false: a retry found it made, as requested, by an earlier one).</summary>
public sealed record ProvisionedTenant(Tenant Tenant, bool Created);
