using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tenancy.Isolation;

/// <summary>Points every command of a <see cref="TenantDbContext"/> at its tenant's schema (see <see cref="TenantSchema"/>).</summary>
internal sealed class TenantSchemaInterceptor : DbCommandInterceptor
{
    public static readonly TenantSchemaInterceptor Instance = new();

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        if (eventData.Context is TenantDbContext context)
        {
            result.CommandText = TenantSchema.Bind(result.CommandText, context.RequireTenant().SchemaName
                ?? throw new InvalidOperationException($"Tenant '{context.RequireTenant().Identifier}' has no schema."));
        }

        return result;
    }
}
