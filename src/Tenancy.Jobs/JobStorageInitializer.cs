using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tenancy.Jobs;

/// <summary>
/// Applies Hangfire's configuration (serializer, logging) and creates the job storage (and Hangfire's schema) as the
/// service starts, not on its first enqueue.
/// </summary>
internal sealed class JobStorageInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<IGlobalConfiguration>();
        services.GetRequiredService<JobStorage>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
