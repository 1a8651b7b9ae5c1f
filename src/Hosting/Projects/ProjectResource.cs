using Tenancy.Hosting.Processes;

namespace Tenancy.Hosting;

/// <summary>A .NET service started from its build output with Aspire's environment variables.</summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata) : Resource(name)
{
    private ChildProcess? _process;
    private int? _configuredPort;
    private Dictionary<string, string> _startedEnvironment = [];

    public override string Type => "project";

    public IProjectMetadata Metadata { get; } = metadata;

    public override int? ProcessId => _process?.Id;

    /// <summary>The HTTP port, once chosen; null for a service without an HTTP endpoint.</summary>
    public int? HttpPort { get; private set; }

    public string? HttpUrl => HttpPort is { } port ? $"http://localhost:{port}" : null;

    public override string? DisplayUrl => HttpUrl;

    public override IReadOnlyDictionary<string, string> EnvironmentVariables => _startedEnvironment;

    internal bool HasHttpEndpoint { get; set; }

    internal string? HealthCheckPath { get; set; }

    /// <summary>What the service references, under the name it knows it by (ConnectionStrings__{name}, services__{name}).</summary>
    internal List<(Resource Resource, string Name)> References { get; } = [];

    internal Dictionary<string, string> Environment { get; } = [];

    internal void SetHttpPort(int? port)
    {
        HasHttpEndpoint = true;
        _configuredPort = port;
    }

    internal override void Validate(AppHostContext context)
    {
        if (!File.Exists(Metadata.AssemblyPath))
        {
            throw new DistributedApplicationException($"{Name} is not built ('{Metadata.AssemblyPath}' is missing): run 'dotnet build'");
        }

        if (!HasHttpEndpoint)
        {
            return;
        }

        HttpPort = _configuredPort is { } port && !context.RandomizePorts ? port : FreePort.Next();
        if (!FreePort.IsFree(HttpPort.Value))
        {
            throw new DistributedApplicationException(
                $"port {HttpPort} for {Name} is already in use (another AppHost?): stop it or set Ports:{Name} to a free port");
        }
    }

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _startedEnvironment = BuildEnvironment(context);
        _process = ChildProcess.Start(
            Name,
            context.Console,
            DotnetHost(),
            [Metadata.AssemblyPath],
            _startedEnvironment,
            Path.GetDirectoryName(Metadata.AssemblyPath));
        _process.OutputLine += line =>
        {
            // The generic host's lifetime logs this once every hosted service has started.
            if (line.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(context.StartTimeout);
        var ready = HealthCheckPath is not null ? WaitForHealthyAsync(timeout.Token) : started.Task.WaitAsync(timeout.Token);
        try
        {
            var first = await Task.WhenAny(ready, _process.Exited);
            if (first == _process.Exited)
            {
                throw new DistributedApplicationException(
                    $"{Name} exited with code {_process.Exited.Result} while starting; its last output:{System.Environment.NewLine}{context.Console.Tail(Name)}");
            }

            await ready;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DistributedApplicationException(
                $"{Name} was not ready within {context.StartTimeout.TotalSeconds:0} s; its last output:{System.Environment.NewLine}{context.Console.Tail(Name)}");
        }

        _ = _process.Exited.ContinueWith(
            t =>
            {
                if (State == ResourceState.Running)
                {
                    State = ResourceState.Exited;
                    context.Console.Write(Name, $"exited unexpectedly with code {t.Result}", isError: true);
                }
            },
            TaskScheduler.Default);
    }

    internal override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(PosixSignals.SigTerm, TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private Dictionary<string, string> BuildEnvironment(AppHostContext context)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["LOGGING__CONSOLE__FORMATTERNAME"] = "simple",
            ["LOGGING__CONSOLE__FORMATTEROPTIONS__SINGLELINE"] = "true",
            ["OTEL_SERVICE_NAME"] = Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid():N}",
            // Aspire's development defaults: export every second so the dashboard feels live.
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        };
        if (!System.Console.IsOutputRedirected)
        {
            // The service's output reaches a terminal through the AppHost: keep its colours.
            environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true";
        }

        if (context.Configuration["AppHost:OtlpEndpoint"] is { Length: > 0 } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        }

        if (HttpUrl is { } url)
        {
            environment["ASPNETCORE_URLS"] = url;
        }

        foreach (var (reference, name) in References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString withConnectionString:
                    environment[$"ConnectionStrings__{name}"] = withConnectionString.ConnectionString
                        ?? throw new InvalidOperationException($"{reference.Name} has no connection string yet");
                    break;
                case ProjectResource { HttpUrl: { } serviceUrl }:
                    environment[$"services__{name}__http__0"] = serviceUrl;
                    break;
            }
        }

        foreach (var (key, value) in Environment)
        {
            environment[key] = value;
        }

        return environment;
    }

    private async Task WaitForHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var healthUrl = new Uri($"http://127.0.0.1:{HttpPort}{HealthCheckPath}");
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(healthUrl, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One slow probe; try again.
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    // The dotnet CLI tells child processes where its host is; otherwise rely on PATH.
    private static string DotnetHost() =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
