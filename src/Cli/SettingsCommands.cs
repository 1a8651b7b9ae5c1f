using System.CommandLine;
using Tenancy.Settings;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants settings</c>: what the API's <c>/api/tenants/{identifier}/settings</c> endpoints answer and set.</summary>
internal static class SettingsCommands
{
    public static Command Create(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var displayName = new Option<string?>("--display-name") { Description = "The name the tenant's pages show ('' for the tenant's name)" };
        var primary = new Option<string?>("--primary-color") { Description = "The primary colour as #rrggbb ('' for none)", HelpName = "colour" };
        var accent = new Option<string?>("--accent-color") { Description = "The accent colour as #rrggbb ('' for none)", HelpName = "colour" };
        var logo = new Option<string?>("--logo") { Description = "The logo: the name of a file in the tenant's file storage ('' for none)", HelpName = "file" };
        var set = new Option<string[]>("--set") { Description = "An application setting as key=value (never a secret); repeatable", HelpName = "key=value" };
        var unset = new Option<string[]>("--unset") { Description = "Remove an application setting; repeatable", HelpName = "key" };
        var command = new Command("settings", "Show a tenant's branding and application settings, or change some of them (as PUT /api/tenants/{identifier}/settings)")
        {
            identifier, displayName, primary, accent, logo, set, unset,
        };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            var assignments = (cli.Get(set) ?? []).Select(Assignment).ToList();
            var removals = cli.Get(unset) ?? [];
            await using var services = await cli.OpenServicesAsync(ct);
            var service = services.Get<TenantSettingsService>();
            var settings = await service.GetAsync(id, ct);
            var (newName, newPrimary, newAccent, newLogo) = (cli.Get(displayName), cli.Get(primary), cli.Get(accent), cli.Get(logo));
            if (newName is not null || newPrimary is not null || newAccent is not null || newLogo is not null || assignments.Count > 0 || removals.Length > 0)
            {
                // Only what is given changes; the service checks the whole as the API's PUT does.
                var values = new Dictionary<string, string>(settings.Values, StringComparer.Ordinal);
                foreach (var key in removals)
                {
                    values.Remove(key);
                }

                foreach (var (key, value) in assignments)
                {
                    values[key] = value;
                }

                var branding = settings.Branding;
                settings = await service.SetAsync(id, new TenantSettings(
                    new TenantBranding(newName ?? branding.DisplayName, newPrimary ?? branding.PrimaryColor, newAccent ?? branding.AccentColor, newLogo ?? branding.Logo),
                    values), ct);
            }

            if (cli.Output.IsJson)
            {
                cli.Output.WriteJson(settings);
                return ExitCodes.Ok;
            }

            cli.Output.WriteLine($"{id}: display name {settings.Branding.DisplayName ?? "(the tenant's name)"}, primary colour {settings.Branding.PrimaryColor ?? "-"}, " +
                $"accent colour {settings.Branding.AccentColor ?? "-"}, logo {settings.Branding.Logo ?? "-"}");
            foreach (var (key, value) in settings.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                cli.Output.WriteLine($"{key}={value}");
            }

            cli.Output.WriteLine($"{id}: {settings.Values.Count} setting(s)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (string Key, string Value) Assignment(string text) =>
        text.IndexOf('=', StringComparison.Ordinal) is > 0 and var at
            ? (text[..at], text[(at + 1)..])
            : throw new CliUsageException($"--set takes key=value (got '{text}')");
}
