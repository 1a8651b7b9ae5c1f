using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tenancy.Context;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants create|list|show|suspend|resume|delete|exec</c>.</summary>
internal static class TenantCommands
{
    public static Command Create(GlobalOptions global)
    {
        var tenants = Commands(global);
        foreach (var command in BackupCommands.Create(global).Append(TestConnectionsCommand.Create(global)).Concat(UsageCommands.Create(global))
                     .Append(FeatureCommands.Create(global)).Append(SettingsCommands.Create(global)))
        {
            tenants.Subcommands.Add(command);
        }

        return tenants;
    }

    private static Command Commands(GlobalOptions global) => new("tenants", "Create, list, show, suspend, resume, delete, move, back up, restore and clone tenants; run SQL in them")
    {
        CreateCommand(global),
        ListCommand(global),
        ShowCommand(global),
        StatusCommand(global, "suspend", "Suspend a tenant: its hosts stop serving until it is resumed", (registry, id, ct) => registry.SuspendAsync(id, ct), "suspended"),
        StatusCommand(global, "resume", "Resume a suspended tenant", (registry, id, ct) => registry.ResumeAsync(id, ct), "resumed"),
        StatusCommand(global, "delete", "Soft-delete a tenant: its hosts stop resolving at once, its data is dropped later", (registry, id, ct) => registry.DeleteAsync(id, ct), "deleted"),
        ExecCommand.Create(global),
        CacheCommands.Create(global),
        MoveCommand.Create(global),
    };

    private static Command CreateCommand(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var name = new Option<string>("--name") { Description = "The tenant's display name", Required = true };
        var plan = new Option<string>("--plan") { Description = "The plan (default: the configured default plan)" };
        var domains = new Option<string[]>("--domain") { Description = "A custom domain; repeatable, the first is primary", HelpName = "host" };
        var contactEmail = new Option<string>("--contact-email") { Description = "Who to contact about the tenant", HelpName = "email" };
        var trial = new Option<bool>("--trial") { Description = "Start the tenant in trial status instead of active" };
        var ownerEmail = new Option<string>("--owner-email") { Description = "The tenant's first owner (an existing user keeps their password)", HelpName = "email" };
        var ownerPassword = new Option<string>("--owner-password") { Description = "The new owner's password; generated and printed once when left out", HelpName = "password" };
        var isolation = MoveCommand.IsolationOption("--isolation", "The tier: shared (rows in shared tables), schema (default) or database");
        var reference = MoveCommand.ConnectionReferenceOption();
        var command = new Command("create", "Create a tenant: registry entry, domains and its store at the latest migration; all or nothing")
        {
            identifier, name, plan, domains, contactEmail, trial, isolation, reference, ownerEmail, ownerPassword,
        };
        command.Runs(global, async (cli, ct) =>
        {
            // The provisioner checks every field (the identifier first of all) before it reaches SQL, and reports them all at once.
            var request = new NewTenant(
                cli.Get(identifier),
                cli.Get(name),
                cli.Get(plan),
                MoveCommand.ParseIsolation(cli.Get(isolation)) ?? TenantIsolation.Schema,
                cli.Get(domains) ?? [],
                cli.Get(contactEmail),
                Status: cli.Get(trial) ? TenantStatus.Trial : TenantStatus.Active,
                ConnectionReference: cli.Get(reference));
            await using var services = await cli.OpenServicesAsync(buildsStores: true, ct);
            var owner = await TenantOwner.CheckAsync(services, cli.Get(ownerEmail), cli.Get(ownerPassword), ct);
            var (tenant, created) = await services.Get<TenantProvisioner>().CreateAsync(request, TenantOwner.Step(services, owner), ct);
            Show(cli.Output, TenantView.From(tenant), created ? $"created tenant {tenant.Identifier}" : $"tenant {tenant.Identifier} already exists as requested");
            if (owner?.Generated == true)
            {
                cli.Output.WriteLine($"owner {owner.Email}: generated password {owner.Password} (shown once; change it after signing in)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand(GlobalOptions global)
    {
        var status = new Option<string>("--status") { Description = "Only tenants with this status" };
        status.AcceptOnlyFromAmong([.. Enum.GetNames<TenantStatus>().Select(n => n.ToLowerInvariant())]);
        var command = new Command("list", "List tenants, by identifier") { status };
        command.Runs(global, async (cli, ct) =>
        {
            var filter = cli.Get(status) is { } value ? Enum.Parse<TenantStatus>(value, ignoreCase: true) : (TenantStatus?)null;
            await using var services = await cli.OpenServicesAsync(ct);
            var tenants = (await services.Get<TenantRegistry>().ListAsync(filter, ct)).Select(TenantView.From).ToList();
            if (cli.Output.IsJson)
            {
                cli.Output.WriteJson(tenants);
                return ExitCodes.Ok;
            }

            var table = Output.Table("Identifier", "Name", "Status", "Plan", "Domains", "Created");
            foreach (var tenant in tenants)
            {
                table.AddRow(
                    Output.Cell(tenant.Identifier),
                    Output.Cell(tenant.Name),
                    StatusCell(tenant.Status),
                    Output.Cell(tenant.Plan),
                    Output.Cell(tenant.DescribeDomains()),
                    Output.Cell(tenant.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
            }

            if (tenants.Count > 0)
            {
                cli.Output.Write(table);
            }

            cli.Output.WriteLine(Output.Tenants(tenants.Count));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ShowCommand(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var command = new Command("show", "Show one tenant, deleted ones included") { identifier };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            await using var services = await cli.OpenServicesAsync(ct);
            var tenant = await services.Get<TenantRegistry>().FindAsync(id, ct) ?? throw new TenantNotFoundException(id);
            Show(cli.Output, TenantView.From(tenant), heading: null);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command StatusCommand(
        GlobalOptions global, string name, string description, Func<TenantRegistry, string, CancellationToken, Task<Tenant>> change, string done)
    {
        var identifier = CliOptions.IdentifierArgument();
        var command = new Command(name, description) { identifier };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            await using var services = await cli.OpenServicesAsync(ct);
            var tenant = await change(services.Get<TenantRegistry>(), id, ct);
            Show(cli.Output, TenantView.From(tenant), $"{done} tenant {tenant.Identifier}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One tenant: its JSON, or a heading line and a grid of its fields.</summary>
    internal static void Show(Output output, TenantView tenant, string? heading)
    {
        if (output.IsJson)
        {
            output.WriteJson(tenant);
            return;
        }

        if (heading is not null)
        {
            output.WriteLine(heading);
        }

        var limits = tenant.Limits.Values.Count == 0
            ? "no limits"
            : string.Join(", ", tenant.Limits.Values.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key} {l.Value.ToString(CultureInfo.InvariantCulture)}"));
        // Label and value lines rather than a grid, which pads every line to the widest value.
        WriteField(output, "Identifier", tenant.Identifier);
        WriteField(output, "Name", tenant.Name);
        WriteField(output, "Status", tenant.Status.ToString().ToLowerInvariant(), StatusColor(tenant.Status));
        WriteField(output, "Plan", $"{tenant.Plan} ({limits})");
        WriteField(output, "Isolation", $"{tenant.Isolation.ToString().ToLowerInvariant()} {tenant.DatabaseName} {tenant.SchemaName} {tenant.ConnectionReference}".Replace("  ", " ", StringComparison.Ordinal).Trim());
        WriteField(output, "Domains", tenant.Domains.Count == 0 ? "-" : tenant.DescribeDomains());
        WriteField(output, "Contact", tenant.ContactEmail ?? "-");
        WriteField(output, "Created", tenant.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        WriteField(output, "Updated", tenant.UpdatedAt.ToString("u", CultureInfo.InvariantCulture));
        if (tenant.DeletedAt is { } deletedAt)
        {
            WriteField(output, "Deleted", deletedAt.ToString("u", CultureInfo.InvariantCulture));
        }
    }

    private static void WriteField(Output output, string label, string value, Color? color = null) =>
        output.Console.MarkupLine($"[bold]{label,-10}[/]  [{(color ?? Color.Default).ToMarkup()}]{Markup.Escape(value)}[/]");

    private static Text StatusCell(TenantStatus status) => Output.Cell(status.ToString().ToLowerInvariant(), new Style(StatusColor(status)));

    private static Color StatusColor(TenantStatus status) => status switch
    {
        TenantStatus.Active => Color.Green,
        TenantStatus.Trial => Color.Aqua,
        TenantStatus.Suspended => Color.Yellow,
        _ => Color.Grey,
    };
}
