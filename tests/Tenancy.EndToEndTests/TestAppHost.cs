namespace Tenancy.EndToEndTests;

/// <summary>
/// The AppHost's own graph (<c>Projects.AppHost</c>) through Aspire.Hosting.Testing, with local servers on a
/// throwaway data folder of its own: tests never share state through a folder.
/// </summary>
public static class TestAppHost
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <param name="args">AppHost settings (<c>--Key=Value</c>); they win over the testing defaults.</param>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync(params string[] args) => CreateAsync(args, dashboard: false);

    /// <param name="dashboard">
    /// Whether the Aspire dashboard runs and the services export their telemetry to it; without it they export
    /// nothing (no endpoint to retry against at every stop).
    /// </param>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(string[] args, bool dashboard)
    {
        // Short and under /tmp: the postgres OS user must reach it.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tenancy-tests", Guid.NewGuid().ToString("N")[..12]);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            $"--{LocalServerFolders.DataDirectoryKey}={dataDirectory}",
            "--AppHost:Ephemeral=true",
            $"--{ContainerRuntime.SettingKey}=never",
            .. TestAdmin.Arguments,
            .. args,
        ],
        (options, _) => options.DisableDashboard = !dashboard);
        // The resources' own output is for the tests that read it, not for the test run's console.
        builder.Services.AddLogging(logging => logging
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("AppHost.Resources", LogLevel.None)
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("Microsoft", LogLevel.Warning)
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("Aspire", LogLevel.Warning)
            // A resource is unhealthy until it has started: that is waited for, not a failure.
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        if (!dashboard)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
            {
                foreach (var service in @event.Model.Resources.OfType<ProjectResource>())
                {
                    service.Annotations.Add(new EnvironmentCallbackAnnotation(environment => environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = ""));
                }

                return Task.CompletedTask;
            });
        }

        return builder;
    }

    /// <summary>Builds and starts the system, and waits until the Api (and so everything it needs) is healthy.</summary>
    public static async Task<DistributedApplication> StartAsync(this IDistributedApplicationTestingBuilder builder)
    {
        var app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the system did not start in {StartTimeout.TotalMinutes} min:\n{await DescribeResourcesAsync(app)}");
        }

        return app;
    }

    /// <summary>Each resource's state, health and last lines of output: why a start did not finish.</summary>
    private static async Task<string> DescribeResourcesAsync(DistributedApplication app)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var report = new System.Text.StringBuilder();
        foreach (var resource in model.Resources)
        {
            var snapshot = app.ResourceNotifications.TryGetCurrentState(resource.Name, out var current) ? current.Snapshot : null;
            report.AppendLine($"{resource.Name}: {snapshot?.State?.Text ?? "no state"}, health {snapshot?.HealthStatus?.ToString() ?? "unknown"}");
            var lines = new List<string>();
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await foreach (var batch in logs.GetAllAsync(resource.Name).WithCancellation(read.Token))
                {
                    lines.AddRange(batch.Select(line => line.Content));
                }
            }
            catch (OperationCanceledException)
            {
                // What was read in time is enough.
            }

            foreach (var line in lines.TakeLast(8))
            {
                report.AppendLine("    " + line);
            }
        }

        return report.ToString();
    }

    public static string DataDirectory(this DistributedApplication app) =>
        LocalServerFolders.DataDirectory(app.Services.GetRequiredService<IConfiguration>());

    /// <summary>Stops the system and removes its data folder.</summary>
    public static async Task StopAndDeleteAsync(this DistributedApplication app)
    {
        var dataDirectory = app.DataDirectory();
        await app.DisposeAsync();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
