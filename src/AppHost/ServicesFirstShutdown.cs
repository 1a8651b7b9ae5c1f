
namespace Tenancy.AppHost;

/// <summary>
/// Stops the .NET services before the servers they use, so that no service sees its database or cache vanish under
/// it (errors at every stop otherwise). Hosted services stop in reverse order of registration: this one, added after
/// Aspire's own, stops before DCP removes the rest.
/// </summary>
internal sealed class ServicesFirstShutdown(DistributedApplicationModel model, ResourceCommandService commands, ResourceNotificationService notifications) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var services = model.Resources.OfType<ProjectResource>().ToList();
        await Task.WhenAll(services.Select(async service =>
        {
            if (notifications.TryGetCurrentState(service.Name, out var state) && state.Snapshot.State?.Text == KnownResourceStates.Running)
            {
                await commands.ExecuteCommandAsync(service, KnownResourceCommands.StopCommand, cancellationToken);
            }
        }));
    }
}

internal static class ServicesFirstShutdownExtensions
{
    public static IDistributedApplicationBuilder StopServicesFirst(this IDistributedApplicationBuilder builder)
    {
        builder.Services.AddHostedService<ServicesFirstShutdown>();
        return builder;
    }
}
