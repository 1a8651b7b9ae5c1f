using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tenancy.Migrations;

/// <summary>
/// EF Core migrations without an error in the log on a fresh database: EF asks for the applied migrations before it
/// makes the history table, and logs that failed query as an error at every first start.
/// </summary>
public static class QuietMigrations
{
    /// <summary>EF Core's <c>MigrateAsync</c>, after making the history table when the database has none.</summary>
    public static async Task MigrateFromEmptyQuietlyAsync(this DbContext db, CancellationToken cancellationToken)
    {
        if (!await db.HasHistoryTableAsync(cancellationToken))
        {
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>The applied migrations' ids; none, without asking, when there is no history table yet.</summary>
    public static async Task<IReadOnlyCollection<string>> GetAppliedMigrationIdsQuietlyAsync(this DbContext db, CancellationToken cancellationToken) =>
        await db.HasHistoryTableAsync(cancellationToken)
            ? [.. (await db.GetService<IHistoryRepository>().GetAppliedMigrationsAsync(cancellationToken)).Select(m => m.MigrationId)]
            : [];

    // Asked of the catalogue: the history repository's own ExistsAsync answers true before the table exists here.
    private static async Task<bool> HasHistoryTableAsync(this DbContext db, CancellationToken cancellationToken)
    {
        var options = RelationalOptionsExtension.Extract(db.GetService<IDbContextOptions>());
        var table = db.GetService<ISqlGenerationHelper>().DelimitIdentifier(options.MigrationsHistoryTableName ?? HistoryRepository.DefaultTableName, options.MigrationsHistoryTableSchema);
        return await db.Database.SqlQueryRaw<bool>("SELECT to_regclass({0}) IS NOT NULL AS \"Value\"", table).SingleAsync(cancellationToken);
    }
}
