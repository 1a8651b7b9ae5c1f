using System.CommandLine;
using Tenancy.Provisioning;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary>The options every command takes.</summary>
internal sealed class GlobalOptions
{
    public Option<string> Connection { get; } = new("--connection")
    {
        Description = "The PostgreSQL connection string (default: the ConnectionStrings__tenancydb environment variable)",
        HelpName = "connection-string",
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
        command.SetAction((parseResult, cancellationToken) => action(new Invocation(parseResult, global), cancellationToken));
}

/// <summary>One run of a command: its parsed values, where its output goes, and the way to the tenancy services.</summary>
internal sealed class Invocation(ParseResult parseResult, GlobalOptions global)
{
    public Output Output { get; } = new(parseResult.InvocationConfiguration.Output, parseResult.GetValue(global.Json));

    public T Get<T>(Option<T> option) => parseResult.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => parseResult.GetValue(argument)!;

    /// <exception cref="CliUsageException">No database is configured.</exception>
    public CliServices OpenServices() => CliServices.Open(parseResult.GetValue(global.Connection));
}
