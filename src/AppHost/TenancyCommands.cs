using Tenancy.Cli;

namespace Tenancy.AppHost;

/// <summary>
/// Operator commands on the Api in the dashboard. Each runs the tenancy CLI in the AppHost's process against the
/// running system (its connections.json), so a command does exactly what the same CLI line does.
/// </summary>
internal static class TenancyCommands
{
    public static IResourceBuilder<ProjectResource> WithTenancyCommands(this IResourceBuilder<ProjectResource> api)
    {
        var dataDirectory = LocalServerFolders.DataDirectory(api.ApplicationBuilder.Configuration);

        api.WithCommand("migrate-tenants", "Migrate all tenants",
            context => RunCliAsync(dataDirectory, ["migrate"], context.CancellationToken),
            Options("Apply pending migrations: shared, then every tenant (like 'tenancy migrate')", "ArrowSync"));

        api.WithCommand("create-tenant", "Create tenant", async context =>
        {
            var interactions = context.Services.GetRequiredService<IInteractionService>();
            var inputs = await interactions.PromptInputsAsync("Create tenant", "A new tenant and its first owner.",
            [
                new InteractionInput { Name = "identifier", Label = "Identifier", InputType = InputType.Text, Required = true, Placeholder = "acme" },
                new InteractionInput { Name = "name", Label = "Name", InputType = InputType.Text, Required = true, Placeholder = "Acme Corp" },
                new InteractionInput
                {
                    Name = "isolation", Label = "Isolation", InputType = InputType.Choice, Required = true, Value = "schema",
                    Options = [new("schema", "A schema of its own"), new("shared", "Rows in shared tables"), new("database", "A database of its own")],
                },
                new InteractionInput { Name = "owner", Label = "Owner e-mail", InputType = InputType.Text, Required = true, Placeholder = "admin@acme.com" },
                new InteractionInput { Name = "password", Label = "Owner password (12 characters or more)", InputType = InputType.SecretText, Required = true },
            ], cancellationToken: context.CancellationToken);
            if (inputs.Canceled)
            {
                return CommandResults.Canceled();
            }

            var values = inputs.Data;
            return await RunCliAsync(dataDirectory,
                ["tenants", "create", values["identifier"].Value!, "--name", values["name"].Value!, "--isolation", values["isolation"].Value!,
                    "--owner-email", values["owner"].Value!, "--owner-password", values["password"].Value!],
                context.CancellationToken);
        }, Options("Provision a tenant with its first owner (like 'tenancy tenants create')", "BuildingAdd"));

        api.WithCommand("purge-tenant-cache", "Purge a tenant's cache", async context =>
        {
            var interactions = context.Services.GetRequiredService<IInteractionService>();
            var input = await interactions.PromptInputAsync("Purge a tenant's cache", "Every cached entry of the tenant, on every instance.",
                new InteractionInput { Name = "identifier", Label = "Identifier", InputType = InputType.Text, Required = true },
                cancellationToken: context.CancellationToken);
            return input.Canceled
                ? CommandResults.Canceled()
                : await RunCliAsync(dataDirectory, ["tenants", "cache", "purge", input.Data.Value!], context.CancellationToken);
        }, Options("Drop every cached entry of one tenant (like 'tenancy tenants cache purge')", "Delete"));

        return api;
    }

    private static CommandOptions Options(string description, string icon) => new()
    {
        Description = description,
        IconName = icon,
        // The CLI works on the running system's connections.json, written when the Api starts.
        UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled,
    };

    private static async Task<ExecuteCommandResult> RunCliAsync(string dataDirectory, string[] args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await TenancyCli.RunAsync([.. args, "--apphost-data", dataDirectory], output, error, cancellationToken);
        var text = exitCode == 0 ? output.ToString() : error.ToString();
        return new ExecuteCommandResult { Success = exitCode == 0, Message = text.Trim() };
    }
}
