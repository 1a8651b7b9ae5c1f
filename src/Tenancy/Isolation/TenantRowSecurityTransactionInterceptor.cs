using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenancy.Tenants;

namespace Tenancy.Isolation;

/// <summary>
/// Names a shared-tier tenant to row-level security in every transaction of its <see cref="TenantDbContext"/>, as the
/// transaction begins (or is handed to the context), so that each command inside it runs under the tenant.
/// </summary>
internal sealed class TenantRowSecurityTransactionInterceptor : DbTransactionInterceptor
{
    public static readonly TenantRowSecurityTransactionInterceptor Instance = new();

    public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await SetTenantAsync(eventData.Context, connection, result, cancellationToken);
        return result;
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        SetTenantAsync(eventData.Context, connection, result, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionUsedAsync(DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await SetTenantAsync(eventData.Context, connection, result, cancellationToken);
        return result;
    }

    public override DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
    {
        SetTenantAsync(eventData.Context, connection, result, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    private static async Task SetTenantAsync(Microsoft.EntityFrameworkCore.DbContext? context, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (context is TenantDbContext { Tenant: { Isolation: TenantIsolation.Shared } tenant })
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = TenantRowSecurity.SetTenantSql(tenant.Id);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
