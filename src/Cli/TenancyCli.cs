using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Npgsql;
using Tenancy.Context;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary>The <c>tenancy</c> command line: management commands over the tenancy core, like django-tenants' ones.</summary>
public static class TenancyCli
{
    private const string Description = """
        Manage a Tenancy deployment: tenants, their domains, migrations, and SQL run in every tenant.

        Connections (the first source that names the database wins; nothing to set while the AppHost runs):
          1. --connection: the database (the owner's connection string)
          2. the environment: ConnectionStrings__tenancydb, ConnectionStrings__tenancydb-app (the application
             role; a name with a dash: set it with env, not export) and ConnectionStrings__cache (Redis, for
             'tenants cache purge')
          3. connections.json of the running AppHost, in its data folder: --apphost-data, else TENANCY_APPHOST_DATA,
             else AppHost__DataDirectory, else /var/lib/tenancy/apphost as root, ~/.local/share/tenancy/apphost
             (XDG_DATA_HOME) otherwise. Read only when neither 1 nor 2 names the database.
        Stores the CLI builds (create, clone, restore, move, migrate) are granted to the application role as the
        Api's are: the -app connection's user, else the role the shared schema is granted to; when that is unclear
        those commands are refused. No secret is ever printed.

        Exit codes:
          0  ok
          1  the operation failed (a tenant failed, a conflict, not found, invalid input)
          2  usage or configuration error (unknown command or option, no database, unreadable connections.json)
          3  migrate --check found pending migrations
          130  cancelled by Ctrl+C (open tenant transactions are rolled back)
        """;

    /// <summary>Runs the command line <paramref name="args"/> and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, Environment.GetEnvironmentVariable, cancellationToken);

    /// <param name="environment">Where connection strings and the AppHost's data folder are looked up (tests give their own).</param>
    internal static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        var parseResult = CreateRootCommand(environment).Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync($"tenancy: error: {OneLine(parseError.Message)}");
            }

            await error.WriteLineAsync($"run '{CommandPath(parseResult.CommandResult)} --help' for usage");
            return ExitCodes.Usage;
        }

        try
        {
            return await parseResult.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = output,
                    Error = error,
                    EnableDefaultExceptionHandler = false,
                    // Ctrl+C is the caller's to turn into cancellationToken (Program.cs does).
                    ProcessTerminationTimeout = null,
                },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("tenancy: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (Explain(ex) is { } failure)
        {
            await error.WriteLineAsync($"tenancy: error: {OneLine(failure.Message)}");
            return failure.ExitCode;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug, not a failure the command knows: the whole exception, for the report.
            await error.WriteLineAsync($"tenancy: error: unexpected {ex.GetType().Name}: {OneLine(ex.Message)}");
            await error.WriteLineAsync(ex.ToString());
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// A plain command named "tenancy" rather than a <see cref="RootCommand"/>, whose name is the running executable's
    /// (Tenancy.Cli under <c>dotnet</c>, testhost in tests).
    /// </summary>
    internal static Command CreateRootCommand(Func<string, string?> environment)
    {
        var global = new GlobalOptions(environment);
        return new Command("tenancy", Description)
        {
            new HelpOption(),
            new VersionOption(),
            global.Connection,
            global.AppHostData,
            global.Json,
            TenantCommands.Create(global),
            DomainCommands.Create(global),
            MigrateCommand.Create(global),
        };
    }

    private static string OneLine(string text) =>
        string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string CommandPath(CommandResult command) =>
        command.Parent is CommandResult parent ? $"{CommandPath(parent)} {command.Command.Name}" : command.Command.Name;

    /// <summary>The exit code and message for a failure a command knows, or null for a bug.</summary>
    private static (int ExitCode, string Message)? Explain(Exception exception) => exception switch
    {
        CliUsageException => (ExitCodes.Usage, exception.Message),
        CliFailureException => (ExitCodes.Failed, exception.Message),
        TenantValidationException invalid => (ExitCodes.Failed, string.Join("; ", invalid.Errors.Select(e => $"invalid {e.Key}: {string.Join(" ", e.Value).TrimEnd('.')}"))),
        Accounts.Members.MemberValidationException invalid => (ExitCodes.Failed, string.Join("; ", invalid.Errors.Select(e => $"invalid {e.Key}: {string.Join(" ", e.Value).TrimEnd('.')}"))),
        Accounts.Members.MemberConflictException or Accounts.Members.MemberLimitException => (ExitCodes.Failed, exception.Message),
        TenantConflictException or TenantNotFoundException or TenantStateException or DomainNotFoundException => (ExitCodes.Failed, exception.Message),
        Features.FeatureNotFoundException => (ExitCodes.Failed, exception.Message),
        Moves.TenantMovingException or Moves.TenantCopyVerificationException or Placement.TenantStoreBusyException or Backup.TenantArchiveException => (ExitCodes.Failed, exception.Message),
        System.IO.InvalidDataException => (ExitCodes.Failed, $"not a tenant archive: {exception.Message}"),
        PostgresException postgres => (ExitCodes.Failed, $"database: {postgres.SqlState}: {postgres.MessageText}"),
        NpgsqlException => (ExitCodes.Failed, $"database: {exception.Message}"),
        // EF Core wraps database errors: in a DbUpdateException, or its retry strategy's InvalidOperationException.
        { InnerException: { } inner } => Explain(inner),
        _ => null,
    };
}

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Pending = 3;

    /// <summary>As a shell reports a process ended by SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>A command line that cannot run as given: exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>The command could not do its work, for a reason it states.</summary>
internal sealed class CliFailureException(string message) : Exception(message);
