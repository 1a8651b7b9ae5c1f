using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.Isolation;

/// <summary>
/// EF Core's context pool for the tenant DbContext, kept private to AddTenancy's scoped registration so that every
/// context handed out is bound to its scope's tenant and connection first. Disposing the context (the scope's end)
/// returns it; EF resets its tracked entities and database state then.
/// </summary>
internal sealed class TenantDbContextPool<TContext>(DbContextOptions<TContext> options)
    where TContext : TenantDbContext
{
    private readonly PooledDbContextFactory<TContext> _pool = new(options);

    public TContext Rent(TenantInfo? tenant, TenantConnection connection)
    {
        var context = _pool.CreateDbContext();
        context.Bind(tenant, connection);
        return context;
    }
}
