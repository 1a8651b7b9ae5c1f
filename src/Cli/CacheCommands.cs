using System.CommandLine;
using Tenancy.Caching;
using Tenancy.Context;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants cache purge</c>.</summary>
internal static class CacheCommands
{
    public static Command Create(GlobalOptions global) => new("cache", "A tenant's cache entries (Redis: ConnectionStrings__cache, else the AppHost's connections.json)")
    {
        PurgeCommand(global),
    };

    private static Command PurgeCommand(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var command = new Command("purge", "Drop every cache entry of a tenant, on every instance, in one step") { identifier };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            await using var services = await cli.OpenServicesAsync(ct);
            var tenant = await services.Get<TenantRegistry>().FindAsync(id, ct) ?? throw new TenantNotFoundException(id);
            if (!await services.GetCache().PurgeTenantAsync(tenant.Id))
            {
                throw new CliFailureException("the cache (Redis) is unreachable; nothing was purged");
            }

            cli.Output.WriteLine($"purged the cache of tenant {tenant.Identifier}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
