using System.CommandLine;
using Spectre.Console;
using Tenancy.Exec;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants exec</c>: one SQL script in each selected tenant's schema, like django-tenants' <c>all_tenants_command</c>.</summary>
internal static class ExecCommand
{
    public static Command Create(GlobalOptions global)
    {
        var tenants = CliOptions.TenantOption("Run in this tenant; repeatable");
        var all = new Option<bool>("--all") { Description = "Run in every tenant (deleted ones excepted)" };
        var sql = new Option<FileInfo>("--sql")
        {
            Description = "The SQL file to run. It sees search_path set to the tenant's schema, and " +
                          "current_setting('tenancy.tenant_id') and current_setting('tenancy.tenant_identifier') for the tenant's rows",
            HelpName = "file",
            Required = true,
        };
        sql.AcceptExistingOnly();
        var parallel = CliOptions.ParallelOption();
        var command = new Command("exec", "Run a SQL file in each selected tenant's schema, one transaction per tenant; a failing tenant rolls back, the others go on")
        {
            tenants, all, sql, parallel,
        };
        command.Validators.Add(result =>
        {
            var chosen = result.GetValue(tenants) is { Length: > 0 };
            if (chosen == result.GetValue(all))
            {
                result.AddError(chosen ? "--tenant and --all exclude one another." : "Choose the tenants: --tenant X (repeatable) or --all.");
            }
        });
        command.Runs(global, async (cli, ct) =>
        {
            var identifiers = cli.Get(tenants) is { Length: > 0 } chosen ? CliOptions.RequireIdentifiers(chosen) : null;
            var script = await File.ReadAllTextAsync(cli.Get(sql).FullName, ct);
            if (string.IsNullOrWhiteSpace(script))
            {
                throw new CliUsageException($"{cli.Get(sql).Name} holds no SQL.");
            }

            await using var services = await cli.OpenServicesAsync(ct);
            var runner = services.Get<TenantSqlRunner>();
            var targets = await runner.FindTargetsAsync(identifiers, ct);
            var results = await TenantProgress.RunAsync<TenantSqlResult, IReadOnlyList<TenantSqlResult>>(
                cli.Output,
                "ran in",
                targets.Count,
                result => result.Outcome == TenantSqlOutcome.Failed,
                progress => runner.RunAsync(targets, script, cli.Get(parallel), progress, ct));
            Report(cli.Output, results);
            return results.Any(r => r.Outcome == TenantSqlOutcome.Failed) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static void Report(Output output, IReadOnlyList<TenantSqlResult> results)
    {
        var summary = new ExecSummary(
            results.Count,
            results.Count(r => r.Outcome == TenantSqlOutcome.Succeeded),
            results.Count(r => r.Outcome == TenantSqlOutcome.Failed));
        if (output.IsJson)
        {
            output.WriteJson(new ExecReport(
                [.. results.Select(r => new TenantSqlView(r.Identifier, r.Outcome, r.RowsAffected, r.Error, (long)r.Elapsed.TotalMilliseconds))],
                summary));
            return;
        }

        var table = summary.Failed > 0
            ? Output.Table("Tenant", "Outcome", "Rows", "Error", "ms")
            : Output.Table("Tenant", "Outcome", "Rows", "ms");
        foreach (var result in results)
        {
            var failed = result.Outcome == TenantSqlOutcome.Failed;
            List<Text> cells =
            [
                Output.Cell(result.Identifier),
                Output.Cell(failed ? "failed" : "ok", failed ? Output.Failure : Output.Success),
                Output.Cell(failed ? "" : result.RowsAffected),
            ];
            if (summary.Failed > 0)
            {
                cells.Add(Output.Cell(result.Error));
            }

            cells.Add(Output.Cell(Output.Milliseconds(result.Elapsed)));
            table.AddRow(cells);
        }

        if (results.Count > 0)
        {
            output.Write(table);
        }

        output.WriteLine($"{Output.Tenants(summary.Total)}: {summary.Succeeded} succeeded, {summary.Failed} failed");
    }

    private sealed record ExecReport(IReadOnlyList<TenantSqlView> Tenants, ExecSummary Summary);

    private sealed record TenantSqlView(string Identifier, TenantSqlOutcome Outcome, int RowsAffected, string? Error, long ElapsedMs);

    private sealed record ExecSummary(int Total, int Succeeded, int Failed);
}
