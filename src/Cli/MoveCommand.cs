using System.CommandLine;
using Tenancy.Moves;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants move &lt;identifier&gt; --to shared|schema|database [--connection-ref REF]</c>.</summary>
internal static class MoveCommand
{
    public static Command Create(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var to = IsolationOption("--to", "The tier to move to");
        to.Required = true;
        var reference = ConnectionReferenceOption();
        var command = new Command("move", "Move a tenant to another tier: copy, verify (counts and checksums), switch, then drop the old copy")
        {
            identifier, to, reference,
        };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            var target = ParseIsolation(cli.Get(to))!.Value;
            await using var services = await cli.OpenServicesAsync(buildsStores: true, ct);
            // Each stage as it starts, so an operator (or a test) sees where a move is.
            var progress = new StageProgress(stage =>
            {
                if (!cli.Output.IsJson)
                {
                    cli.Output.WriteLine(Describe(stage));
                }
            });
            var result = await services.Get<TenantMover>().MoveAsync(id, target, cli.Get(reference), progress, ct);
            if (cli.Output.IsJson)
            {
                cli.Output.WriteJson(result);
                return ExitCodes.Ok;
            }

            cli.Output.WriteLine($"moved tenant {result.Identifier} from {result.From.ToString().ToLowerInvariant()} to {result.To.ToString().ToLowerInvariant()}: " +
                $"{result.Tables.Values.Sum(t => t.Rows)} rows in {result.Tables.Count} tables verified, writes refused for {Output.Milliseconds(result.WritesRefusedFor)} ms");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Option<string> IsolationOption(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "tier" };
        option.AcceptOnlyFromAmong([.. Enum.GetNames<TenantIsolation>().Select(n => n.ToLowerInvariant())]);
        return option;
    }

    public static Option<string> ConnectionReferenceOption() => new("--connection-ref")
    {
        Description = "A database-tier tenant's server: the configured connection Tenancy:Connections:<ref> (default: the main server)",
        HelpName = "ref",
    };

    public static TenantIsolation? ParseIsolation(string? value) => value is null ? null : Enum.Parse<TenantIsolation>(value, ignoreCase: true);

    public static string Describe(TenantMoveStage stage) => stage switch
    {
        TenantMoveStage.Freezing => "freezing writes",
        TenantMoveStage.Preparing => "preparing the target",
        TenantMoveStage.Copying => "copying rows",
        TenantMoveStage.Verifying => "verifying counts and checksums",
        TenantMoveStage.Switching => "switching the tenant over",
        TenantMoveStage.RemovingOldCopy => "removing the old copy",
        TenantMoveStage.Done => "done",
        _ => stage.ToString(),
    };

    /// <summary>Reports on the mover's own thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class StageProgress(Action<TenantMoveStage> report) : IProgress<TenantMoveStage>
    {
        public void Report(TenantMoveStage value) => report(value);
    }
}
