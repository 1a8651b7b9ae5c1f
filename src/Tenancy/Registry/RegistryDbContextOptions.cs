using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Tenancy.Registry;

internal static class RegistryDbContextOptions
{
    /// <param name="dataSource">Null at design time, where the model is built without connecting.</param>
    public static DbContextOptionsBuilder UseRegistry(this DbContextOptionsBuilder options, NpgsqlDataSource? dataSource)
    {
        const string historyTable = "__migrations";
        return (dataSource is null
                ? options.UseNpgsql(npgsql => npgsql.MigrationsHistoryTable(historyTable, RegistryDbContext.Schema))
                : options.UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable(historyTable, RegistryDbContext.Schema)))
            .UseSnakeCaseNamingConvention();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model; it never connects.</summary>
internal sealed class RegistryDbContextDesignTimeFactory : IDesignTimeDbContextFactory<RegistryDbContext>
{
    public RegistryDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        options.UseRegistry(dataSource: null);
        return new RegistryDbContext(options.Options);
    }
}
