using System.CommandLine;
using Spectre.Console;
using Tenancy.Features;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants features</c>: what the API's <c>/api/tenants/{identifier}/features</c> endpoints answer and set.</summary>
internal static class FeatureCommands
{
    public static Command Create(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var on = new Option<string[]>("--on") { Description = "Turn this feature flag on for the tenant alone, whatever its definition says; repeatable", HelpName = "feature" };
        var off = new Option<string[]>("--off") { Description = "Turn this feature flag off for the tenant alone; repeatable", HelpName = "feature" };
        var reset = new Option<string[]>("--reset") { Description = "Drop the tenant's override: the flag's definition decides again; repeatable", HelpName = "feature" };
        var command = new Command("features", "Show a tenant's feature flags (override, definition, result), or turn them on or off for it alone (as PUT and DELETE /api/tenants/{identifier}/features/{feature})")
        {
            identifier, on, off, reset,
        };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            var changes = (cli.Get(on) ?? []).Select(f => (Feature: f, Enabled: (bool?)true))
                .Concat((cli.Get(off) ?? []).Select(f => (Feature: f, Enabled: (bool?)false)))
                .Concat((cli.Get(reset) ?? []).Select(f => (Feature: f, Enabled: (bool?)null)))
                .ToList();
            if (changes.GroupBy(c => c.Feature, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new CliUsageException($"the feature '{twice.Key}' is given more than once");
            }

            await using var services = await cli.OpenServicesAsync(ct);
            var admin = services.Get<TenantFeatureAdmin>();
            foreach (var (feature, enabled) in changes)
            {
                await admin.SetAsync(id, feature, enabled, ct);
            }

            var features = await admin.ListAsync(id, ct);
            if (cli.Output.IsJson)
            {
                cli.Output.WriteJson(features);
                return ExitCodes.Ok;
            }

            var table = Output.Table("Feature", "Enabled", "Override", "Definition");
            foreach (var feature in features)
            {
                table.AddRow(
                    Output.Cell(feature.Name),
                    Output.Cell(OnOff(feature.Enabled), feature.Enabled ? Output.Success : Style.Plain),
                    Output.Cell(feature.Override is { } value ? OnOff(value) : "-"),
                    Output.Cell(OnOff(feature.Definition)));
            }

            if (features.Count > 0)
            {
                cli.Output.Write(table);
            }

            cli.Output.WriteLine($"{id}: {features.Count(f => f.Enabled)} of {features.Count} feature flag(s) on, {features.Count(f => f.Override is not null)} overridden");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string OnOff(bool enabled) => enabled ? "on" : "off";
}
