using System.Net.Sockets;
using System.Text;
using Tenancy.Hosting.Processes;

namespace Tenancy.Hosting;

/// <summary>A local redis-server on a free loopback port, or an existing one when <c>ConnectionStrings:{name}</c> is configured.</summary>
public sealed class RedisResource(string name) : Resource(name), IResourceWithConnectionString
{
    private ChildProcess? _process;
    private string? _executable;
    private string? _externalConnectionString;

    public override string Type => "redis";

    public int Port { get; private set; }

    public override int? ProcessId => _process?.Id;

    public override string? DisplayUrl => _externalConnectionString is not null ? "external: " + _externalConnectionString.Split(',')[0] : ConnectionString;

    public string? ConnectionString => _externalConnectionString ?? (Port == 0 ? null : $"127.0.0.1:{Port}");

    internal override void Validate(AppHostContext context)
    {
        _externalConnectionString = context.Configuration.GetConnectionString(Name);
        if (_externalConnectionString is not null)
        {
            return;
        }

        _executable = context.Configuration["AppHost:Redis:Executable"] is { Length: > 0 } configured
            ? File.Exists(configured) ? configured : throw new DistributedApplicationException(
                $"redis-server not found at AppHost:Redis:Executable '{configured}': install it with 'apt-get install -y redis-server'")
            : FindOnPath("redis-server") ?? throw new DistributedApplicationException(
                "redis-server not found: install it with 'apt-get install -y redis-server' or set AppHost:Redis:Executable");

        var configuredPort = context.Configuration.GetValue<int?>($"AppHost:Ports:{Name}");
        Port = configuredPort is { } port && !context.RandomizePorts ? port : FreePort.Next();
        if (!FreePort.IsFree(Port))
        {
            throw new DistributedApplicationException($"port {Port} for {Name} is already in use");
        }
    }

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        if (_externalConnectionString is null)
        {
            // A cache: nothing is persisted, so nothing needs a data folder.
            _process = ChildProcess.Start(Name, context.Console, _executable!,
                ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        }

        var endpoint = ConnectionString!.Split(',')[0];
        var deadline = DateTime.UtcNow + context.StartTimeout;
        while (!await PingAsync(endpoint, cancellationToken))
        {
            if (_process?.Exited.IsCompleted == true)
            {
                throw new DistributedApplicationException($"{Name} exited with code {_process.Exited.Result} while starting");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new DistributedApplicationException($"{Name} did not answer PING at {endpoint} within {context.StartTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    internal override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(PosixSignals.SigTerm, TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    private static async Task<bool> PingAsync(string endpoint, CancellationToken cancellationToken)
    {
        var separator = endpoint.LastIndexOf(':');
        var host = endpoint[..separator];
        var port = int.Parse(endpoint[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            // A server still loading answers -LOADING; only +PONG means ready.
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);
}
