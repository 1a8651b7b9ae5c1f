using System.Security.Cryptography;
using Npgsql;

namespace Tenancy.Hosting;

/// <summary>
/// A login role of a <see cref="PostgresDatabaseResource"/>'s server for services that must not own the tables:
/// no superuser, no BYPASSRLS, no CREATEDB or CREATEROLE. Its password is new at every start and known only to
/// the AppHost and the services it hands the connection string to. What it may touch is granted by the
/// application's own migrations.
/// </summary>
public sealed class PostgresRoleResource(string name, string roleName, PostgresDatabaseResource database)
    : Resource(name), IResourceWithConnectionString
{
    private string? _password;

    public override string Type => "role";

    public string RoleName { get; } = roleName;

    public PostgresDatabaseResource Database { get; } = database;

    public override string? DisplayUrl => _password is null ? null : $"{Database.DisplayUrl} as {RoleName}";

    public string? ConnectionString => _password is null || Database.ConnectionString is not { } owner
        ? null
        : new NpgsqlConnectionStringBuilder(owner) { Username = RoleName, Password = _password }.ConnectionString;

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // Role names and the password (hex) come from code; utility statements take no parameters.
        var role = "\"" + RoleName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", connection) { Parameters = { new NpgsqlParameter { Value = RoleName } } };
        var verb = await exists.ExecuteScalarAsync(cancellationToken) is null ? "CREATE" : "ALTER";
        await using var create = new NpgsqlCommand(
            $"{verb} ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        _password = password;
    }
}
