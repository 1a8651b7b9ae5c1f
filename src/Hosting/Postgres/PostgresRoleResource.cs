using System.Security.Cryptography;
using Npgsql;

namespace Tenancy.Hosting;

/// <summary>
/// A login role of a <see cref="PostgresDatabaseResource"/>'s server for services that must not own the tables:
/// no superuser, no BYPASSRLS, no CREATEDB or CREATEROLE. Its password is new at every start and known only to
/// the AppHost and the services it hands the connection string to. What it may touch is granted by the
/// application's own migrations. With <c>ConnectionStrings:{name}</c> configured, that role is used as it is; on an
/// existing server without it, the role is not created (the AppHost must not change roles there) and services get
/// the database's own connection string.
/// </summary>
public sealed class PostgresRoleResource(string name, string roleName, PostgresDatabaseResource database)
    : Resource(name), IResourceWithConnectionString
{
    private string? _password;
    private string? _configured;
    private bool _serverIsExternal;

    public override string Type => "role";

    public string RoleName { get; } = roleName;

    public PostgresDatabaseResource Database { get; } = database;

    public override string? DisplayUrl => _password is null ? null : $"{Database.DisplayUrl} as {RoleName}";

    public string? ConnectionString => _configured
        ?? (_serverIsExternal ? Database.ConnectionString
            : _password is null || Database.ConnectionString is not { } owner ? null
            : new NpgsqlConnectionStringBuilder(owner) { Username = RoleName, Password = _password }.ConnectionString);

    internal override void Validate(AppHostContext context)
    {
        _configured = context.Configuration.GetConnectionString(Name);
        _serverIsExternal = (context.Configuration.GetConnectionString(Database.Name) ?? context.Configuration.GetConnectionString(Database.Parent.Name)) is not null;
    }

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        if (_configured is not null || _serverIsExternal)
        {
            return;
        }

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
