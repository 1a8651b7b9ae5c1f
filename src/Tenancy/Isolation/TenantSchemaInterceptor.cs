using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.Isolation;

/// <summary>
/// Points every command of a <see cref="TenantDbContext"/> at its tenant's schema (see <see cref="TenantSchema"/>).
/// For a shared-tier tenant it also names the tenant to row-level security, in the same command (see <see cref="TenantRowSecurity"/>).
/// </summary>
internal sealed class TenantSchemaInterceptor : DbCommandInterceptor
{
    public static readonly TenantSchemaInterceptor Instance = new();

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        if (eventData.Context is TenantDbContext context)
        {
            var tenant = context.RequireTenant();
            var sql = TenantSchema.Bind(result.CommandText, TenantStore.SchemaOf(tenant));
            result.CommandText = tenant.Isolation == TenantIsolation.Shared ? TenantRowSecurity.Prefix(tenant.Id) + sql : sql;
        }

        return result;
    }
}
