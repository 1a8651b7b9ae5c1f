using System.Diagnostics;
using System.Text.Json;
using Tenancy.Cli;

namespace Tenancy.IntegrationTests.Cli;

/// <summary>The CLI as its own process: Program.cs, the environment variables, stdout and stderr as a shell sees them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliProcessTests(PostgresFixture postgres) : IDisposable
{
    private readonly AppHostFolders _folders = new();

    [Fact]
    public async Task Without_a_database_it_exits_2_with_one_line()
    {
        var nowhere = _folders.Empty();

        var result = await RunProcessAsync(new() { [AppHostDataFolder.Variable] = nowhere }, "tenants", "list");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal(
            $"tenancy: error: no database: no running AppHost ({nowhere}/connections.json not found); " +
            "start it (dotnet run --project src/AppHost), or pass --connection or set ConnectionStrings__tenancydb",
            Assert.Single(result.ErrorLines));
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task The_running_apphosts_connections_json_is_found_with_nothing_set()
    {
        var identifier = PostgresFixture.NewIdentifier("cli");
        await new CliRun(postgres.ConnectionString).ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "Found by a process");
        var folder = _folders.WithConnections(postgres.ConnectionString, cache: postgres.CacheConnectionString);

        var result = await RunProcessAsync(new() { [AppHostDataFolder.Variable] = folder }, "tenants", "list", "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Empty(result.Error);
        Assert.Contains(result.Json().EnumerateArray(), t => t.GetProperty("identifier").GetString() == identifier);
        result.AssertShowsNone(CliRun.Passwords(postgres.ConnectionString, postgres.CacheConnectionString));
    }

    [Fact]
    public async Task The_environment_variable_names_the_database()
    {
        var identifier = PostgresFixture.NewIdentifier("cli");
        await new CliRun(postgres.ConnectionString).ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "From a process");

        var result = await RunProcessAsync(new() { [CliConnections.DatabaseVariable] = postgres.ConnectionString }, "tenants", "list", "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Empty(result.Error);
        Assert.Contains(result.Json().EnumerateArray(), t => t.GetProperty("identifier").GetString() == identifier);
    }

    public void Dispose() => _folders.Dispose();

    /// <summary>Runs the CLI with <paramref name="environment"/> as its only connection settings.</summary>
    private static async Task<CliResult> RunProcessAsync(Dictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tenancy.Cli.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment.Remove(AppHostDataFolder.AppHostSettingVariable);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }
}
