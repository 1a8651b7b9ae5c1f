using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.Isolation;

/// <summary>
/// Points every command of a <see cref="TenantDbContext"/> at its tenant's schema (see <see cref="TenantSchema"/>).
/// For a shared-tier tenant it also names the tenant to row-level security (see <see cref="TenantRowSecurity"/>):
/// a command outside a transaction carries the setting in front of its own SQL; a transaction gets it once, as it
/// begins (<see cref="TenantRowSecurityTransactionInterceptor"/>), since EF reads each statement's row count of a
/// SaveChanges batch by position.
/// </summary>
internal sealed class TenantSchemaInterceptor : DbCommandInterceptor
{
    public static readonly TenantSchemaInterceptor Instance = new();

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        if (eventData.Context is TenantDbContext context)
        {
            var tenant = context.RequireTenant();
            var sql = TenantSchema.Bind(result.CommandText, TenantStoreNames.SchemaOf(tenant));
            result.CommandText = tenant.Isolation == TenantIsolation.Shared && result.Transaction is null
                ? TenantRowSecurity.Prefix(tenant.Id) + sql
                : sql;
        }

        return result;
    }
}
