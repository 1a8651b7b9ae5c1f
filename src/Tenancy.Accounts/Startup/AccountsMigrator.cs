using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Migrations;
using Tenancy.Registry;

namespace Tenancy.Accounts.Startup;

/// <summary>Applies the accounts migrations over the direct connection (EF's migration lock needs a session, which a pooler would not keep).</summary>
public sealed class AccountsMigrator(IDbContextFactory<AccountsDbContext> contexts, RegistryConnection registryConnection)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Database.SetDbConnection(new NpgsqlConnection(registryConnection.DirectConnectionString), contextOwnsConnection: true);
        await db.MigrateFromEmptyQuietlyAsync(cancellationToken);
    }
}
