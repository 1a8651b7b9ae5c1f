using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Tenancy.Benchmarks;

/// <summary>
/// The plain single-schema app (bench/Baseline) as a process of its own on a free loopback port, started as Aspire
/// starts the Api: its Release build, the environment Aspire gave the Api (Development, console log format, the same
/// OpenTelemetry variables; <see cref="BenchSystem.ServiceEnvironment"/>) and its output read line by line.
/// </summary>
internal sealed class BaselineServer : IAsyncDisposable
{
    private readonly WatchedProcess _process;

    private BaselineServer(WatchedProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Process.Id;

    public static async Task<BaselineServer> StartAsync(
        string name, string connectionString, bool withServiceDefaults, IReadOnlyDictionary<string, string> serviceEnvironment, CancellationToken cancellationToken)
    {
        var assembly = Path.GetFullPath(typeof(BaselineServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BaselineAssembly").Value!);
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"the baseline app is not built ('{assembly}' is missing): run bench/run.sh, which builds it");
        }

        var port = FreeLoopbackPort();
        var startInfo = new ProcessStartInfo(DotnetHost()) { WorkingDirectory = Path.GetDirectoryName(assembly) };
        startInfo.ArgumentList.Add(assembly);
        var environment = new Dictionary<string, string>(serviceEnvironment, StringComparer.Ordinal)
        {
            ["OTEL_SERVICE_NAME"] = name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid():N}",
            ["ASPNETCORE_URLS"] = $"http://localhost:{port}",
            ["ConnectionStrings__benchdb"] = connectionString,
            ["Baseline__ServiceDefaults"] = withServiceDefaults ? "true" : "false",
        };
        foreach (var (key, value) in BenchAuth.BaselineSettings)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var server = new BaselineServer(WatchedProcess.Start(startInfo), new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server._process.WaitHealthyAsync(new Uri(server.BaseAddress, "/health"), TimeSpan.FromSeconds(60), "the baseline app", cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.Process.HasExited)
            {
                _process.Process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.Process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or it did not go in time: nothing more to do here.
        }

        _process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The host the .NET SDK names when it runs tools, else the one on PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
