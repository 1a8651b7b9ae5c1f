using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Tenancy.Isolation;

namespace Tenancy.Migrations;

/// <summary>One tenant-data migration as SQL against <see cref="TenantSchema.Placeholder"/>.</summary>
/// <param name="CreatesTables">Whether it adds tables, which the application role is then granted.</param>
public sealed record TenantMigrationScript(string Id, string Sql, bool CreatesTables = true);

/// <summary>
/// The tenant-data migrations, in order, as SQL generated once from the tenant DbContext's EF Core migrations.
/// Applying one to a tenant is then a string substitution and one round trip, not an EF migrator per schema.
/// </summary>
public sealed class TenantMigrationCatalog(IReadOnlyList<TenantMigrationScript> migrations)
{
    public IReadOnlyList<TenantMigrationScript> Migrations { get; } = migrations;

    public string? LatestId => Migrations.Count == 0 ? null : Migrations[^1].Id;

    /// <summary>The catalog with <paramref name="extra"/> appended (a hot fix, or a test's deliberately broken migration).</summary>
    public TenantMigrationCatalog With(params TenantMigrationScript[] extra) => new([.. Migrations, .. extra]);

    public static TenantMigrationCatalog FromDbContext(TenantDbContext context)
    {
        var migrationsAssembly = context.GetService<IMigrationsAssembly>();
        var generator = context.GetService<IMigrationsSqlGenerator>();
        var modelInitializer = context.GetService<IModelRuntimeInitializer>();
        var provider = context.Database.ProviderName!;

        var scripts = migrationsAssembly.Migrations
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m =>
            {
                var migration = migrationsAssembly.CreateMigration(m.Value, provider);
                // As EF's own migrator does: operations are generated against the migration's finalized target model.
                var model = migration.TargetModel is null
                    ? null
                    : modelInitializer.Initialize(
                        migration.TargetModel is IMutableModel mutable ? mutable.FinalizeModel() : migration.TargetModel,
                        designTime: true,
                        validationLogger: null);
                var commands = generator.Generate(migration.UpOperations, model, MigrationsSqlGenerationOptions.NoTransactions);
                return new TenantMigrationScript(m.Key, string.Concat(commands.Select(c => c.CommandText)), migration.UpOperations.Any(o => o is CreateTableOperation));
            })
            .ToList();
        return new TenantMigrationCatalog(scripts);
    }
}
