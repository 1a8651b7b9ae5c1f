using Npgsql;
using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>
/// The connection a DI scope's tenant DbContext uses, chosen by the context's tenant: the application pool of the
/// main database for the shared and schema tiers, the tenant database's own small pool for the database tier
/// (held until the scope ends). Handed to EF Core when the context first needs a connection
/// (<see cref="TenantConnectionInterceptor"/>), so a context that is never queried costs none.
/// </summary>
public sealed class TenantConnection(TenantApplicationDataSource application, TenantDatabasePools pools, TenantStoreConnections connections)
    : IDisposable
{
    private TenantDatabasePools.Lease? _lease;
    private NpgsqlConnection? _connection;

    /// <summary>The scope's connection, made for <paramref name="tenant"/> on first use.</summary>
    public NpgsqlConnection For(TenantInfo? tenant) => _connection ??= Create(tenant);

    public void Dispose()
    {
        _connection?.Dispose();
        _lease?.Dispose();
    }

    private NpgsqlConnection Create(TenantInfo? tenant)
    {
        if (tenant is { Isolation: TenantIsolation.Database })
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
