using System.Diagnostics;
using System.Text.Json;
using Tenancy.Cli;

namespace Tenancy.IntegrationTests.Cli;

/// <summary>The CLI as its own process: Program.cs, the environment variable, stdout and stderr as a shell sees them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliProcessTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Without_a_database_it_exits_2_with_one_line()
    {
        var result = await RunProcessAsync(connectionVariable: null, "tenants", "list");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("tenancy: error: no database: pass --connection or set ConnectionStrings__tenancydb", Assert.Single(result.ErrorLines));
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task The_environment_variable_names_the_database()
    {
        var identifier = PostgresFixture.NewIdentifier("cli");
        await new CliRun(postgres.ConnectionString).ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "From a process");

        var result = await RunProcessAsync(postgres.ConnectionString, "tenants", "list", "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Empty(result.Error);
        Assert.Contains(result.Json().EnumerateArray(), t => t.GetProperty("identifier").GetString() == identifier);
    }

    private static async Task<CliResult> RunProcessAsync(string? connectionVariable, params string[] args)
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

        start.Environment.Remove("ConnectionStrings__tenancydb");
        if (connectionVariable is not null)
        {
            start.Environment["ConnectionStrings__tenancydb"] = connectionVariable;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }
}
