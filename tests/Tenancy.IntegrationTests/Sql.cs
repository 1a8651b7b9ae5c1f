using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Tenancy.IntegrationTests;

/// <summary>Direct SQL for assertions: what is really in the database, not what the services say.</summary>
internal static class Sql
{
    public static async Task<T?> ScalarAsync<T>(this IServiceProvider services, string sql, params object[] parameters)
    {
        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    public static async Task ExecuteAsync(this IServiceProvider services, string sql)
    {
        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static Task<bool> SchemaExistsAsync(this IServiceProvider services, string schema) =>
        services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema);

    public static Task<bool> TenantRowExistsAsync(this IServiceProvider services, string identifier) =>
        services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM tenancy.tenants WHERE identifier = $1)", identifier);
}
