using System.CommandLine;
using Tenancy.Registry;

namespace Tenancy.Cli;

/// <summary><c>tenancy domains add|remove</c>: a tenant's custom hosts.</summary>
internal static class DomainCommands
{
    public static Command Create(GlobalOptions global) => new("domains", "Add and remove tenants' custom domains")
    {
        AddCommand(global),
        RemoveCommand(global),
    };

    private static Command AddCommand(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var host = new Argument<string>("host") { Description = "The host name, such as shop.example.com" };
        var primary = new Option<bool>("--primary") { Description = "Make it the tenant's primary domain" };
        var command = new Command("add", "Add a custom domain to a tenant (its first becomes primary)") { identifier, host, primary };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            await using var services = await cli.OpenServicesAsync(ct);
            var tenant = await services.Get<TenantRegistry>().AddDomainAsync(id, cli.Get(host), cli.Get(primary), ct);
            TenantCommands.Show(cli.Output, TenantView.From(tenant), $"added domain {cli.Get(host)} to tenant {tenant.Identifier}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RemoveCommand(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var host = new Argument<string>("host") { Description = "The host name to remove" };
        var command = new Command("remove", "Remove a custom domain from a tenant") { identifier, host };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            await using var services = await cli.OpenServicesAsync(ct);
            var tenant = await services.Get<TenantRegistry>().RemoveDomainAsync(id, cli.Get(host), ct);
            TenantCommands.Show(cli.Output, TenantView.From(tenant), $"removed domain {cli.Get(host)} from tenant {tenant.Identifier}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
