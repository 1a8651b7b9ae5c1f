using Npgsql;

namespace Tenancy.Hosting;

/// <summary>A database on a <see cref="PostgresServerResource"/>, created when missing.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithConnectionString
{
    public override string Type => "database";

    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Parent { get; } = parent;

    public override string? DisplayUrl => ConnectionString is null ? null : $"{Parent.Name}/{DatabaseName}";

    private string? _externalConnectionString;

    public string? ConnectionString => _externalConnectionString ?? (Parent.ConnectionString is { } server
        ? new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName }.ConnectionString
        : null);

    internal override void Validate(AppHostContext context) =>
        _externalConnectionString = context.Configuration.GetConnectionString(Name);

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        if (_externalConnectionString is not null)
        {
            return;
        }

        var admin = new NpgsqlConnectionStringBuilder(Parent.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = DatabaseName });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is quoted and comes from the AppHost's code, not from input.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            context.Console.Write(Parent.Name, $"created database {DatabaseName}");
        }
    }
}
