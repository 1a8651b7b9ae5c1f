using System.CommandLine;
using System.Globalization;
using Tenancy.Backup;
using Tenancy.Provisioning;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants backup|restore|clone</c>.</summary>
internal static class BackupCommands
{
    public static IEnumerable<Command> Create(GlobalOptions global) => [BackupCommand(global), RestoreCommand(global), CloneCommand(global)];

    private static Command BackupCommand(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var output = new Option<string>("--out") { Description = "The archive to write (default: <identifier>-<UTC time>.tenant.zip)", HelpName = "file" };
        var command = new Command("backup", "Write a tenant's rows (any tier) to an archive: one snapshot, with counts and checksums") { identifier, output };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            var path = cli.Get(output) ?? $"{id}-{DateTime.UtcNow.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture)}.tenant.zip";
            await using var services = await cli.OpenServicesAsync(ct);
            TenantArchiveManifest manifest;
            // Written beside, then renamed: a failed backup never leaves a file that looks whole.
            var partial = path + ".partial";
            try
            {
                await using (var file = File.Create(partial))
                {
                    manifest = await services.Get<TenantBackupService>().BackupAsync(id, file, ct);
                }

                File.Move(partial, path, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }

            if (cli.Output.IsJson)
            {
                cli.Output.WriteJson(new { file = Path.GetFullPath(path), manifest });
                return ExitCodes.Ok;
            }

            cli.Output.WriteLine($"backed up tenant {id}: {manifest.Tables.Sum(t => t.Rows)} rows in {manifest.Tables.Count} tables to {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RestoreCommand(GlobalOptions global)
    {
        var file = new Argument<string>("file") { Description = "An archive written by 'tenants backup'" };
        var identifier = new Option<string>("--as") { Description = "The new tenant's identifier", Required = true, HelpName = "identifier" };
        var name = new Option<string>("--name") { Description = "The new tenant's display name (default: the identifier)" };
        var isolation = MoveCommand.IsolationOption("--isolation", "The new tenant's tier (default: schema)");
        var reference = MoveCommand.ConnectionReferenceOption();
        var command = new Command("restore", "Create a new tenant from an archive: new ids, same rows, verified, all or nothing") { file, identifier, name, isolation, reference };
        command.Runs(global, async (cli, ct) =>
        {
            var path = cli.Get(file)!;
            if (!File.Exists(path))
            {
                throw new CliUsageException($"no file '{path}'");
            }

            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            await using var services = await cli.OpenServicesAsync(buildsStores: true, ct);
            await using var archive = File.OpenRead(path);
            var request = new NewTenant(id, cli.Get(name) ?? id, Isolation: MoveCommand.ParseIsolation(cli.Get(isolation)) ?? TenantIsolation.Schema, ConnectionReference: cli.Get(reference));
            var tenant = await services.Get<TenantBackupService>().RestoreAsync(archive, request, ct);
            TenantCommands.Show(cli.Output, TenantView.From(tenant), $"restored {path} as tenant {tenant.Identifier}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CloneCommand(GlobalOptions global)
    {
        var source = CliOptions.IdentifierArgument();
        var identifier = new Argument<string>("new-identifier") { Description = "The clone's identifier" };
        var isolation = MoveCommand.IsolationOption("--isolation", "The clone's tier (default: the source's)");
        var command = new Command("clone", "Create a new tenant with a copy of another's data (also the fast path for templates)") { source, identifier, isolation };
        command.Runs(global, async (cli, ct) =>
        {
            var from = CliOptions.RequireIdentifier(cli.Get(source));
            var to = CliOptions.RequireIdentifier(cli.Get(identifier));
            await using var services = await cli.OpenServicesAsync(buildsStores: true, ct);
            var tenant = await services.Get<TenantBackupService>().CloneAsync(from, to, MoveCommand.ParseIsolation(cli.Get(isolation)), ct);
            TenantCommands.Show(cli.Output, TenantView.From(tenant), $"cloned tenant {from} as {tenant.Identifier}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
