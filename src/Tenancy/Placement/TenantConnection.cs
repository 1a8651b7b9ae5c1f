using Npgsql;
using Tenancy.Context;
using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>
/// The connection a DI scope's tenant DbContext uses, chosen by the scope's tenant: the application pool of the
/// main database for the shared and schema tiers, the tenant database's own small pool for the database tier
/// (held until the scope ends).
/// </summary>
public sealed class TenantConnection(ITenantContextAccessor tenantContext, TenantApplicationDataSource application, TenantDatabasePools pools, TenantStoreConnections connections)
    : IDisposable
{
    private TenantDatabasePools.Lease? _lease;
    private NpgsqlConnection? _connection;

    public NpgsqlConnection Connection => _connection ??= Create();

    public void Dispose()
    {
        _connection?.Dispose();
        _lease?.Dispose();
    }

    private NpgsqlConnection Create()
    {
        if (tenantContext.Current is { Isolation: TenantIsolation.Database } tenant)
        {
            _lease = pools.Rent(connections.ApplicationFor(tenant));
            return _lease.DataSource.CreateConnection();
        }

        return application.DataSource.CreateConnection();
    }
}

/// <summary>The application role's pool of the main database (the owner's when no application role is configured).</summary>
public sealed class TenantApplicationDataSource(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource { get; } = dataSource;
}
