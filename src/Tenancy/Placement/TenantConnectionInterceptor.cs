using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenancy.Isolation;

namespace Tenancy.Placement;

/// <summary>
/// Gives a tenant DbContext its scope's <see cref="TenantConnection"/> when EF Core first needs a connection. The
/// context's options then name no connection and are built once for the process, not once per request.
/// </summary>
internal sealed class TenantConnectionInterceptor : DbConnectionInterceptor
{
    public static readonly TenantConnectionInterceptor Instance = new();

    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
        eventData.Context is TenantDbContext { ConnectionSource: { } source } context
            ? InterceptionResult<DbConnection>.SuppressWithResult(source.For(context.Tenant))
            : result;
}
