namespace Tenancy.EndToEndTests;

/// <summary>
/// The AppHost's own graph (<c>Projects.AppHost</c>) through Aspire.Hosting.Testing, with local servers on a
/// throwaway data folder of its own: tests never share state through a folder.
/// </summary>
public static class TestAppHost
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

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
            .. args,
        ],
        (options, _) => options.DisableDashboard = !dashboard);
        // The resources' own output is for the tests that read it, not for the test run's console.
        builder.Services.AddLogging(logging => logging
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("AppHost.Resources", LogLevel.None)
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("Microsoft", LogLevel.Warning)
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("Aspire", LogLevel.Warning));
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
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
        return app;
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

    public static Task StopResourceAsync(this DistributedApplication app, string name) =>
        RunCommandAsync(app, name, KnownResourceCommands.StopCommand);

    public static Task StartResourceAsync(this DistributedApplication app, string name) =>
        RunCommandAsync(app, name, KnownResourceCommands.StartCommand);

    /// <summary>The process DCP runs for a resource (for a project, <c>dotnet run</c>; see <see cref="ServiceProcessIdAsync"/>).</summary>
    public static int ProcessId(this DistributedApplication app, string name) =>
        app.ResourceNotifications.TryGetCurrentState(name, out var state)
        && state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{name} has no process");

    /// <summary>The .NET service's own process: Aspire starts a project through <c>dotnet run</c>, which runs it as a child.</summary>
    public static int ServiceProcessId(this DistributedApplication app, string name)
    {
        var launcher = app.ProcessId(name);
        return ProcessTree.ChildrenOf(launcher).SingleOrDefault() is var child and > 0 ? child : launcher;
    }

    private static async Task RunCommandAsync(DistributedApplication app, string name, string command)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(name, command);
        Assert.True(result.Success, $"{command} {name}: {result.Message}");
        var target = command == KnownResourceCommands.StartCommand ? KnownResourceStates.Running : KnownResourceStates.Exited;
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.ResourceNotifications.WaitForResourceAsync(name, [target, KnownResourceStates.Finished], timeout.Token);
        if (command == KnownResourceCommands.StartCommand)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
    }
}

/// <summary>Processes read from /proc.</summary>
public static class ProcessTree
{
    public static List<int> ChildrenOf(int pid) =>
        [.. Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(child => ParentOf(child) == pid)];

    public static bool IsRunning(int pid)
    {
        try
        {
            // A zombie has exited; only its parent's bookkeeping is left.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A process's environment as the kernel holds it: what it was really started with.</summary>
    public static string[] EnvironmentOf(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0');

    private static int? ParentOf(int pid)
    {
        try
        {
            // /proc/{pid}/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
