using System.Text.Json;
using Npgsql;
using Tenancy.Cli;

namespace Tenancy.IntegrationTests.Cli;

/// <summary>What one run of the CLI did: its exit code and everything it wrote.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Output).RootElement;

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";

    /// <summary>Insists that none of <paramref name="secrets"/> appears in anything the run wrote.</summary>
    public void AssertShowsNone(IEnumerable<string> secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.False(Output.Contains(secret, StringComparison.Ordinal) || Error.Contains(secret, StringComparison.Ordinal), $"a secret in {this}");
        }
    }
}

/// <summary>Runs the real <c>tenancy</c> command line in-process against one database.</summary>
internal sealed class CliRun(string connectionString)
{
    public string ConnectionString => connectionString;

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await TenancyCli.RunAsync([.. args, "--connection", connectionString], output, error);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs the CLI with exactly <paramref name="args"/> (no --connection added), looking connections up in
    /// <paramref name="environment"/> only, whatever the test process's own environment holds.
    /// </summary>
    public static async Task<CliResult> RunWithAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await TenancyCli.RunAsync(args, output, error, name => environment.GetValueOrDefault(name));
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary><see cref="RunWithAsync"/>, insisting on <paramref name="exitCode"/>.</summary>
    public static async Task<CliResult> ExpectWithAsync(int exitCode, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var result = await RunWithAsync(environment, args);
        Assert.True(result.ExitCode == exitCode, $"tenancy {string.Join(' ', args)}: expected exit {exitCode}, got {result}");
        return result;
    }

    /// <summary>An environment of just these variables.</summary>
    public static Dictionary<string, string?> Variables(params (string Name, string? Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    /// <summary>The password of a PostgreSQL connection string and, when given, of a Redis one.</summary>
    public static string[] Passwords(string postgres, string? redis = null) =>
        [.. new[] { new NpgsqlConnectionStringBuilder(postgres).Password, redis is null ? null : StackExchange.Redis.ConfigurationOptions.Parse(redis).Password }
            .OfType<string>().Where(p => p.Length > 0)];

    /// <summary>Runs and insists on <paramref name="exitCode"/>, showing the whole run when it differs.</summary>
    public async Task<CliResult> ExpectAsync(int exitCode, params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == exitCode, $"tenancy {string.Join(' ', args)}: expected exit {exitCode}, got {result}");
        return result;
    }

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A database of its own on the fixture's server, empty: for commands over "all tenants", which must not reach
    /// the tenants of other tests.
    /// </summary>
    public static async Task<CliRun> NewDatabaseAsync(string serverConnectionString) =>
        new(await PostgresFixture.CreateEmptyDatabaseAsync(serverConnectionString));
}
