using System.CommandLine;
using System.Diagnostics;
using Npgsql;
using Spectre.Console;
using Tenancy.Migrations;

namespace Tenancy.Cli;

/// <summary><c>tenancy migrate</c>: the shared registry and the tenants' schemas, like django-tenants' <c>migrate_schemas</c>.</summary>
internal static class MigrateCommand
{
    public static Command Create(GlobalOptions global)
    {
        var shared = new Option<bool>("--shared") { Description = "Only the shared (registry) migrations" };
        var tenants = CliOptions.TenantOption("Only this tenant's schema; repeatable");
        var all = new Option<bool>("--all") { Description = "Every tenant's schema, without the shared migrations" };
        var parallel = CliOptions.ParallelOption();
        var check = new Option<bool>("--check") { Description = "Apply nothing: list what is pending (exit code 3 if anything is)" };
        var command = new Command("migrate", "Apply pending migrations: the shared ones, then every tenant's; a failing tenant rolls back, the others go on")
        {
            shared, tenants, all, parallel, check,
        };
        command.Validators.Add(result =>
        {
            var scopes = new[] { result.GetValue(shared), result.GetValue(tenants) is { Length: > 0 }, result.GetValue(all) }.Count(chosen => chosen);
            if (scopes > 1)
            {
                result.AddError("--shared, --tenant and --all exclude one another.");
            }
        });
        command.Runs(global, (cli, ct) =>
        {
            var identifiers = cli.Get(tenants) is { Length: > 0 } chosen ? CliOptions.RequireIdentifiers(chosen) : null;
            var scope = new MigrationScope(
                Shared: !cli.Get(all) && identifiers is null,
                Tenants: !cli.Get(shared),
                identifiers);
            return cli.Get(check) ? CheckAsync(cli, scope, ct) : MigrateAsync(cli, scope, cli.Get(parallel), ct);
        });
        return command;
    }

    /// <param name="Identifiers">The tenants to migrate; null for all of them.</param>
    private sealed record MigrationScope(bool Shared, bool Tenants, IReadOnlyList<string>? Identifiers);

    private static async Task<int> MigrateAsync(Invocation cli, MigrationScope scope, int parallelism, CancellationToken cancellationToken)
    {
        var output = cli.Output;
        await using var services = await cli.OpenServicesAsync(buildsStores: true, cancellationToken);
        var runner = services.Get<TenantMigrationRunner>();

        IReadOnlyList<string>? sharedApplied = null;
        if (scope.Shared)
        {
            sharedApplied = await runner.MigrateSharedAsync(cancellationToken);
            if (!output.IsJson)
            {
                output.WriteLine(sharedApplied.Count == 0 ? "shared: up to date" : $"shared: applied {string.Join(", ", sharedApplied)}");
            }
        }

        IReadOnlyList<TenantMigrationResult> results = [];
        var started = Stopwatch.GetTimestamp();
        if (scope.Tenants)
        {
            // Counting first gives the progress its total, and refuses an unknown --tenant before anything is applied.
            var total = (await runner.CheckAsync(scope.Identifiers, cancellationToken)).Count;
            results = await TenantProgress.RunAsync<TenantMigrationResult, IReadOnlyList<TenantMigrationResult>>(
                output,
                "migrated",
                total,
                result => result.Outcome == TenantMigrationOutcome.Failed,
                progress => runner.MigrateTenantsAsync(scope.Identifiers, parallelism, progress, cancellationToken));
        }

        var summary = new MigrationSummary(
            results.Count,
            results.Count(r => r.Outcome == TenantMigrationOutcome.Migrated),
            results.Count(r => r.Outcome == TenantMigrationOutcome.UpToDate),
            results.Count(r => r.Outcome == TenantMigrationOutcome.Failed));
        if (output.IsJson)
        {
            output.WriteJson(new MigrationReport(
                sharedApplied is null ? null : new SharedMigration(sharedApplied),
                [.. results.Select(r => new TenantMigrationView(r.Identifier, r.Outcome, r.Applied, r.Error, (long)r.Elapsed.TotalMilliseconds))],
                summary));
        }
        else if (scope.Tenants)
        {
            var shown = results.Where(r => r.Outcome != TenantMigrationOutcome.UpToDate).ToList();
            var table = summary.Failed > 0
                ? Output.Table("Tenant", "Outcome", "Migrations applied", "Error", "ms")
                : Output.Table("Tenant", "Outcome", "Migrations applied", "ms");
            foreach (var result in shown)
            {
                var failed = result.Outcome == TenantMigrationOutcome.Failed;
                List<Text> cells =
                [
                    Output.Cell(result.Identifier),
                    Output.Cell(Outcome(result.Outcome), failed ? Output.Failure : Output.Success),
                    Output.Cell(string.Join("\n", result.Applied)),
                ];
                if (summary.Failed > 0)
                {
                    cells.Add(Output.Cell(result.Error));
                }

                cells.Add(Output.Cell(Output.Milliseconds(result.Elapsed)));
                table.AddRow(cells);
            }

            if (table.Rows.Count > 0)
            {
                output.Write(table);
            }

            output.WriteLine(
                $"{Output.Tenants(summary.Total)}: {summary.Migrated} migrated, {summary.UpToDate} up to date, {summary.Failed} failed " +
                $"in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0}s");
        }

        return summary.Failed > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static async Task<int> CheckAsync(Invocation cli, MigrationScope scope, CancellationToken cancellationToken)
    {
        var output = cli.Output;
        await using var services = await cli.OpenServicesAsync(cancellationToken);
        var runner = services.Get<TenantMigrationRunner>();

        var sharedPending = scope.Shared ? await runner.GetPendingSharedAsync(cancellationToken) : null;
        IReadOnlyList<TenantMigrationState> states = [];
        if (scope.Tenants)
        {
            try
            {
                states = await runner.CheckAsync(scope.Identifiers, cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable && sharedPending is { Count: > 0 })
            {
                // The registry is not created yet, so there are no tenants to check.
            }
        }

        var pendingTenants = states.Where(s => s.Pending.Count > 0).ToList();
        var anythingPending = sharedPending is { Count: > 0 } || pendingTenants.Count > 0;
        if (output.IsJson)
        {
            output.WriteJson(new CheckReport(
                sharedPending is null ? null : new SharedCheck(sharedPending),
                [.. states.Select(s => new TenantCheckView(s.Identifier, s.Pending))],
                new CheckSummary(states.Count, pendingTenants.Count)));
            return anythingPending ? ExitCodes.Pending : ExitCodes.Ok;
        }

        if (sharedPending is not null)
        {
            output.WriteLine(sharedPending.Count == 0 ? "shared: up to date" : $"shared: {sharedPending.Count} pending: {string.Join(", ", sharedPending)}");
        }

        if (scope.Tenants)
        {
            var table = Output.Table("Tenant", "Pending migrations");
            foreach (var state in pendingTenants)
            {
                table.AddRow(Output.Cell(state.Identifier), Output.Cell(string.Join("\n", state.Pending)));
            }

            if (pendingTenants.Count > 0)
            {
                output.Write(table);
            }

            output.WriteLine(pendingTenants.Count == 0
                ? $"{Output.Tenants(states.Count)}: all up to date"
                : $"{Output.Tenants(states.Count)}: {pendingTenants.Count} with pending migrations");
        }

        return anythingPending ? ExitCodes.Pending : ExitCodes.Ok;
    }

    private static string Outcome(TenantMigrationOutcome outcome) => outcome switch
    {
        TenantMigrationOutcome.UpToDate => "up to date",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private sealed record MigrationReport(SharedMigration? Shared, IReadOnlyList<TenantMigrationView> Tenants, MigrationSummary Summary);

    private sealed record SharedMigration(IReadOnlyList<string> Applied);

    private sealed record TenantMigrationView(string Identifier, TenantMigrationOutcome Outcome, IReadOnlyList<string> Applied, string? Error, long ElapsedMs);

    private sealed record MigrationSummary(int Total, int Migrated, int UpToDate, int Failed);

    private sealed record CheckReport(SharedCheck? Shared, IReadOnlyList<TenantCheckView> Tenants, CheckSummary Summary);

    private sealed record SharedCheck(IReadOnlyList<string> Pending);

    private sealed record TenantCheckView(string Identifier, IReadOnlyList<string> Pending);

    private sealed record CheckSummary(int Total, int Pending);
}
