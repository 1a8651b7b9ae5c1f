using System.CommandLine;
using Npgsql;
using Tenancy.Provisioning;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary>The options every command takes, and the environment their defaults come from.</summary>
internal sealed class GlobalOptions(Func<string, string?> environment)
{
    public Func<string, string?> Environment { get; } = environment;

    public Option<string> Connection { get; } = new("--connection")
    {
        Description = $"The PostgreSQL connection string (default: {CliConnections.DatabaseVariable}, else the running AppHost's {CliConnections.FileName})",
        HelpName = "connection-string",
        Recursive = true,
    };

    public Option<string> AppHostData { get; } = new("--apphost-data")
    {
        Description = $"The AppHost data folder to find {CliConnections.FileName} in (default: {AppHostDataFolder.Variable}, else AppHost__DataDirectory, " +
                      "else /var/lib/tenancy/apphost as root, ~/.local/share/tenancy/apphost otherwise)",
        HelpName = "dir",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable output: JSON on stdout, no tables, progress or colours",
        Recursive = true,
    };
}

/// <summary>Options and checks shared by several commands.</summary>
internal static class CliOptions
{
    public static Argument<string> IdentifierArgument() => new("identifier") { Description = "The tenant's identifier" };

    public static Option<string[]> TenantOption(string description) => new("--tenant")
    {
        Description = description,
        HelpName = "identifier",
    };

    public static Option<int> ParallelOption()
    {
        var parallel = new Option<int>("--parallel")
        {
            Description = "How many tenants at a time",
            HelpName = "n",
            DefaultValueFactory = _ => 4,
        };
        parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--parallel must be at least 1.");
            }
        });
        return parallel;
    }

    /// <summary>
    /// Refuses a malformed identifier before anything reaches the database. Invalid input, not a usage error:
    /// it fails like the same identifier sent to the API (exit code 1).
    /// </summary>
    public static string RequireIdentifier(string identifier) =>
        TenantIdentifier.Validate(identifier) is { } error
            ? throw new TenantValidationException(new Dictionary<string, string[]> { ["identifier"] = [error] })
            : identifier;

    public static IReadOnlyList<string> RequireIdentifiers(IEnumerable<string> identifiers) =>
        [.. identifiers.Select(RequireIdentifier).Distinct(StringComparer.Ordinal)];

    /// <summary>Sets <paramref name="command"/>'s action, handing it what every action needs.</summary>
    public static void Runs(this Command command, GlobalOptions global, Func<Invocation, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var cli = new Invocation(parseResult, global);
            try
            {
                return await action(cli, cancellationToken);
            }
            catch (Exception ex) when (cli.Connections?.File is { } file && Unreachable(ex) is { } unreachable && !cancellationToken.IsCancellationRequested)
            {
                // The file outlives an AppHost that was killed: say where the address came from.
                throw new CliFailureException($"database: {unreachable.Message} (the address is from {file}: is that AppHost running?)");
            }
        });

    /// <summary>A failure to reach the server (not an error the server sent), however EF Core wrapped it.</summary>
    private static NpgsqlException? Unreachable(Exception exception) => exception switch
    {
        PostgresException => null,
        NpgsqlException npgsql => npgsql,
        { InnerException: { } inner } => Unreachable(inner),
        _ => null,
    };
}

/// <summary>One run of a command: its parsed values, where its output goes, and the way to the tenancy services.</summary>
internal sealed class Invocation(ParseResult parseResult, GlobalOptions global)
{
    public Output Output { get; } = new(parseResult.InvocationConfiguration.Output, parseResult.GetValue(global.Json));

    public T Get<T>(Option<T> option) => parseResult.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => parseResult.GetValue(argument)!;

    /// <summary>The connections the command's services were opened over, once they are.</summary>
    public CliConnections? Connections { get; private set; }

    /// <exception cref="CliUsageException">No database is configured, or its configuration is unreadable.</exception>
    public Task<CliServices> OpenServicesAsync(CancellationToken cancellationToken) => OpenServicesAsync(buildsStores: false, cancellationToken);

    /// <param name="buildsStores">
    /// The command creates tenant stores or tables (create, restore, clone, move, migrate): they are granted to the
    /// application role, and the command is refused when it is unclear which role that is.
    /// </param>
    /// <exception cref="CliUsageException">No database is configured, or its configuration is unreadable.</exception>
    /// <exception cref="CliFailureException">The command builds stores, and whom to grant them is unclear.</exception>
    public Task<CliServices> OpenServicesAsync(bool buildsStores, CancellationToken cancellationToken)
    {
        Connections = CliConnections.Find(parseResult.GetValue(global.Connection), parseResult.GetValue(global.AppHostData), global.Environment);
        return CliServices.OpenAsync(Connections, buildsStores, cancellationToken);
    }
}
