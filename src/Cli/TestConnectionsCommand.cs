using System.CommandLine;
using Spectre.Console;
using Tenancy.Placement;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants test-connections</c>.</summary>
internal static class TestConnectionsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var parallel = CliOptions.ParallelOption();
        var command = new Command("test-connections", "Each tenant's store as the application reaches it: reachable, latency, pending migrations (exit 1 if any is unreachable, 3 if any has pending migrations)")
        {
            parallel,
        };
        command.Runs(global, async (cli, ct) =>
        {
            await using var services = await cli.OpenServicesAsync(ct);
            var checks = await services.Get<TenantStoreProbe>().CheckAllAsync(cli.Get(parallel), ct);
            if (cli.Output.IsJson)
            {
                cli.Output.WriteJson(checks);
            }
            else
            {
                var table = Output.Table("Identifier", "Tier", "Store", "Reachable", "Latency ms", "Pending");
                foreach (var check in checks)
                {
                    table.AddRow(
                        Output.Cell(check.Identifier),
                        Output.Cell(check.Isolation.ToString().ToLowerInvariant()),
                        Output.Cell(check.Store),
                        check.Reachable ? Output.Cell("yes", Output.Success) : Output.Cell($"no: {check.Error}", Output.Failure),
                        Output.Cell(Output.Milliseconds(check.Latency)),
                        Output.Cell(check.Pending.Count == 0 ? "-" : string.Join(", ", check.Pending)));
                }

                if (checks.Count > 0)
                {
                    cli.Output.Write(table);
                }

                cli.Output.WriteLine($"{Output.Tenants(checks.Count)}, {checks.Count(c => !c.Reachable)} unreachable, {checks.Count(c => c.Pending.Count > 0)} with pending migrations");
            }

            return checks.Any(c => !c.Reachable) ? ExitCodes.Failed : checks.Any(c => c.Pending.Count > 0) ? ExitCodes.Pending : ExitCodes.Ok;
        });
        return command;
    }
}
