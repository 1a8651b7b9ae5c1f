using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Tenancy.Hosting.Processes;

namespace Tenancy.Hosting;

/// <summary>
/// Runs the resources of a <see cref="DistributedApplicationBuilder"/>: each starts once what it waits for is ready,
/// and each stops only after everything that depends on it has stopped.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly AppHostContext _context;
    private readonly List<Resource> _resources;
    private readonly Dictionary<Resource, Task> _starts = [];
    private int _stopped;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        _resources = [.. builder.Resources];
        Configuration = builder.Configuration;
        Console = new ResourceConsole(echo: builder.Configuration.GetValue("AppHost:EchoResourceOutput", true));
        _context = new AppHostContext(builder.Configuration, Console);
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    public IConfiguration Configuration { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public ResourceConsole Console { get; }

    public string DataDirectory => _context.DataDirectory;

    public Resource GetResource(string name) =>
        _resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"no resource named '{name}'", nameof(name));

    public string? GetConnectionString(string name) =>
        (GetResource(name) as IResourceWithConnectionString)?.ConnectionString;

    public Task<string?> GetConnectionStringAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(GetConnectionString(name));

    /// <summary>An HttpClient for a project's HTTP endpoint.</summary>
    public HttpClient CreateHttpClient(string resourceName) =>
        GetResource(resourceName) is ProjectResource { HttpPort: { } port }
            ? new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }
            : throw new ArgumentException($"'{resourceName}' has no HTTP endpoint", nameof(resourceName));

    public async Task WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default)
    {
        var resource = GetResource(name);
        if (_starts.TryGetValue(resource, out var start))
        {
            await start.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops one resource, as a person would from a dashboard; the resources that use it keep running.</summary>
    public async Task StopResourceAsync(string name, CancellationToken cancellationToken = default)
    {
        var resource = GetResource(name);
        resource.State = ResourceState.Stopping;
        await resource.StopAsync(cancellationToken);
        resource.State = ResourceState.Stopped;
    }

    /// <summary>Starts a stopped resource again, on the same port.</summary>
    public async Task StartResourceAsync(string name, CancellationToken cancellationToken = default)
    {
        var resource = GetResource(name);
        resource.State = ResourceState.Starting;
        await resource.StartAsync(_context, cancellationToken);
        resource.State = ResourceState.Running;
        resource.Restarts++;
    }

    /// <summary>Starts every resource, in dependency order and in parallel where possible; returns when all are ready.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var resource in _resources)
        {
            resource.Validate(_context);
        }

        foreach (var resource in _resources)
        {
            StartInOrder(resource, cancellationToken);
        }

        try
        {
            await Task.WhenAll(_starts.Values);
        }
        catch
        {
            // Report the failure that caused the others, not the cancellations it set off.
            var root = _starts.Values.Select(t => t.Exception?.InnerException).OfType<DistributedApplicationException>().FirstOrDefault();
            if (root is not null)
            {
                throw root;
            }

            throw;
        }
    }

    /// <summary>Stops everything: services first, servers last; a process that does not stop in time is killed with its children.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        var stops = new Dictionary<Resource, Task>();
        Task StopInOrder(Resource resource)
        {
            if (stops.TryGetValue(resource, out var existing))
            {
                return existing;
            }

            var dependents = _resources.Where(r => r.Dependencies.Contains(resource)).Select(StopInOrder).ToArray();
            var stop = StopAfterAsync(resource, dependents, cancellationToken);
            stops[resource] = stop;
            return stop;
        }

        foreach (var resource in _resources)
        {
            _ = StopInOrder(resource);
        }

        await Task.WhenAll(stops.Values);
        if (_context.Ephemeral && Directory.Exists(_context.DataDirectory))
        {
            Directory.Delete(_context.DataDirectory, recursive: true);
        }
    }

    /// <summary>Starts, prints the resource table, and runs until Ctrl+C or SIGTERM; a set-up error ends it with one line and exit code 1.</summary>
    public void Run() => RunAsync().GetAwaiter().GetResult();

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            shutdown.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            await StartAsync(shutdown.Token);
            ResourceTable.Write(System.Console.Out, _resources);
            var connectionsFile = await WriteConnectionsFileAsync(shutdown.Token);
            System.Console.WriteLine($"Connection strings for tools (the CLI reads them): {connectionsFile}");
            System.Console.WriteLine("Press Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (DistributedApplicationException ex)
        {
            await System.Console.Error.WriteLineAsync($"apphost: error: {ex.Message}");
            Environment.ExitCode = 1;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            System.Console.WriteLine("Stopping...");
        }
        finally
        {
            await StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Writes <c>ConnectionStrings__{name}='…'</c> (shell syntax) for every resource that has one to <c>{DataDirectory}/connections.env</c>
    /// (readable by the AppHost's user only), so tools such as the tenancy CLI reach the running system.
    /// </summary>
    public async Task<string> WriteConnectionsFileAsync(CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(_context.DataDirectory, "connections.env");
        var lines = _resources.OfType<IResourceWithConnectionString>()
            .Where(r => r.ConnectionString is not null)
            // Single-quoted, so that `set -a; . connections.env` keeps the semicolons inside the values.
            .Select(r => $"ConnectionStrings__{r.Name}='{r.ConnectionString!.Replace("'", "'\\''", StringComparison.Ordinal)}'");
        await File.WriteAllLinesAsync(path, lines, cancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private void StartInOrder(Resource resource, CancellationToken cancellationToken)
    {
        if (_starts.ContainsKey(resource))
        {
            return;
        }

        foreach (var dependency in resource.Dependencies)
        {
            StartInOrder(dependency, cancellationToken);
        }

        _starts[resource] = StartAfterAsync(resource, [.. resource.Dependencies.Select(d => _starts[d])], cancellationToken);
    }

    private async Task StartAfterAsync(Resource resource, Task[] dependencies, CancellationToken cancellationToken)
    {
        await Task.WhenAll(dependencies);
        resource.State = ResourceState.Starting;
        try
        {
            await resource.StartAsync(_context, cancellationToken);
            resource.State = ResourceState.Running;
        }
        catch
        {
            resource.State = ResourceState.FailedToStart;
            throw;
        }
    }

    private async Task StopAfterAsync(Resource resource, Task[] dependents, CancellationToken cancellationToken)
    {
        await Task.WhenAll(dependents);
        if (resource.State is ResourceState.NotStarted)
        {
            return;
        }

        resource.State = ResourceState.Stopping;
        await resource.StopAsync(cancellationToken);
        resource.State = ResourceState.Stopped;
    }
}
