using System.Security.Cryptography;
using Npgsql;
using Tenancy.Hosting.Processes;

namespace Tenancy.Hosting;

/// <summary>
/// A PostgreSQL server from the machine's binaries, with its data folder kept between runs,
/// or an existing server when <c>ConnectionStrings:{name}</c> is configured.
/// </summary>
public sealed class PostgresServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    private const string ServiceUser = "postgres";
    private ChildProcess? _process;
    private string? _dataFolder;
    private string? _binDirectory;
    private string? _externalConnectionString;
    private string? _password;

    public override string Type => "postgres";

    internal List<PostgresDatabaseResource> Databases { get; } = [];

    public int Port { get; private set; }

    public override int? ProcessId => _process?.Id;

    public override string? DisplayUrl => _externalConnectionString is not null
        ? "external: " + new NpgsqlConnectionStringBuilder(_externalConnectionString).Host
        : Port == 0 ? null : $"127.0.0.1:{Port} (data: {_dataFolder})";

    public string? ConnectionString => _externalConnectionString
        ?? (Port == 0 ? null : $"Host=127.0.0.1;Port={Port};Username=postgres;Password={_password}");

    /// <summary>The folder that holds the cluster (<c>data/</c>, with <c>postmaster.pid</c> while the server runs).</summary>
    public string? DataFolder => _dataFolder;

    internal override void Validate(AppHostContext context)
    {
        // An existing server is used when its connection string, or one of its databases', is configured.
        _externalConnectionString = context.Configuration.GetConnectionString(Name)
            ?? Databases.Select(d => context.Configuration.GetConnectionString(d.Name)).FirstOrDefault(c => c is not null);
        if (_externalConnectionString is not null)
        {
            return;
        }

        _binDirectory = FindBinDirectory(context);
        _dataFolder = Path.Combine(context.DataDirectory, Name);
        Directory.CreateDirectory(context.DataDirectory);
        if (!IsWritable(context.DataDirectory))
        {
            throw new DistributedApplicationException($"data folder '{context.DataDirectory}' is not writable (set AppHost:DataDirectory to another folder)");
        }

        var pidFile = Path.Combine(_dataFolder, "data", "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && PosixSignals.IsAlive(pid))
        {
            throw new DistributedApplicationException(
                $"PostgreSQL data folder '{_dataFolder}' is in use by a running server (pid {pid}): stop the other AppHost or set AppHost:DataDirectory");
        }

        var configuredPort = context.Configuration.GetValue<int?>($"AppHost:Ports:{Name}");
        Port = configuredPort is { } port && !context.RandomizePorts ? port : FreePort.Next();
        if (!FreePort.IsFree(Port))
        {
            throw new DistributedApplicationException($"port {Port} for {Name} is already in use");
        }
    }

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        if (_externalConnectionString is not null)
        {
            await WaitUntilAcceptingAsync(_externalConnectionString, null, context.StartTimeout, cancellationToken);
            return;
        }

        var dataFolder = _dataFolder!;
        var serverUser = AppHostContext.IsRoot ? ServiceUser : null;
        _password = await EnsureInitializedAsync(dataFolder, context, serverUser, cancellationToken);

        List<string> arguments =
        [
            "-D", Path.Combine(dataFolder, "data"),
            "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=300",
        ];
        if (context.Ephemeral)
        {
            // Test data is thrown away: durability only costs time.
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        var (fileName, args) = Commands.AsUser(serverUser, Path.Combine(_binDirectory!, "postgres"), arguments);
        _process = ChildProcess.Start(Name, context.Console, fileName, args);
        await WaitUntilAcceptingAsync(ConnectionString!, _process, context.StartTimeout, cancellationToken);
    }

    internal override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            return;
        }

        // SIGINT to the postmaster is PostgreSQL's fast shutdown; runuser, when used, just waits for it.
        var postmaster = ReadPostmasterPid() ?? _process.Id;
        await _process.StopAsync(PosixSignals.SigInt, TimeSpan.FromSeconds(10), postmaster);
        _process.Dispose();
    }

    private int? ReadPostmasterPid()
    {
        var pidFile = Path.Combine(_dataFolder!, "data", "postmaster.pid");
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task<string> EnsureInitializedAsync(string dataFolder, AppHostContext context, string? serverUser, CancellationToken cancellationToken)
    {
        // The password lives beside the data, never in the repository; only the AppHost's user can read it.
        var secretsFolder = Path.Combine(context.DataDirectory, "secrets");
        var passwordFile = Path.Combine(secretsFolder, $"{Name}.password");
        var pgVersionFile = Path.Combine(dataFolder, "data", "PG_VERSION");
        if (File.Exists(pgVersionFile))
        {
            if (!File.Exists(passwordFile))
            {
                throw new DistributedApplicationException($"the password file '{passwordFile}' for the existing data folder '{dataFolder}' is missing: delete the data folder to start afresh");
            }

            return (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim();
        }

        Directory.CreateDirectory(secretsFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        if (Directory.Exists(dataFolder))
        {
            // Left by an initdb that did not finish: nothing in it is worth keeping.
            Directory.Delete(dataFolder, recursive: true);
        }

        Directory.CreateDirectory(dataFolder);
        var initPasswordFile = Path.Combine(dataFolder, "initdb.pw");
        await File.WriteAllTextAsync(initPasswordFile, password, cancellationToken);
        File.SetUnixFileMode(initPasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (serverUser is not null)
        {
            await RunOrThrowAsync("chown", ["-R", $"{serverUser}:{serverUser}", dataFolder], cancellationToken);
            var (probeExit, _) = await Commands.RunAsync("runuser", ["-u", serverUser, "--", "test", "-w", dataFolder], cancellationToken);
            if (probeExit != 0)
            {
                throw new DistributedApplicationException($"the '{serverUser}' OS user cannot write to '{dataFolder}' (a parent folder is closed to it): set AppHost:DataDirectory to a folder it can reach");
            }
        }

        context.Console.Write(Name, $"initdb: creating a new cluster in {dataFolder}");
        var (fileName, args) = Commands.AsUser(serverUser, Path.Combine(_binDirectory!, "initdb"),
            ["-D", Path.Combine(dataFolder, "data"), "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={initPasswordFile}", "-E", "UTF8", "--locale=C", "--no-sync"]);
        await RunOrThrowAsync(fileName, args, cancellationToken);
        File.Delete(initPasswordFile);
        return password;
    }

    private static async Task RunOrThrowAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await Commands.RunAsync(fileName, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException($"{Path.GetFileName(fileName)} failed ({exitCode}): {output.ReplaceLineEndings(" ")}");
        }
    }

    private async Task WaitUntilAcceptingAsync(string connectionString, ChildProcess? process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false, Timeout = 2 };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process?.Exited.IsCompleted == true)
            {
                throw new DistributedApplicationException($"{Name} exited with code {process.Exited.Result} while starting");
            }

            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw new DistributedApplicationException($"{Name} did not accept connections within {timeout.TotalSeconds:0} s: {ex.Message}", ex);
            }
        }
    }

    private static string FindBinDirectory(AppHostContext context)
    {
        if (context.Configuration["AppHost:Postgres:BinDirectory"] is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "postgres"))
                ? configured
                : throw new DistributedApplicationException($"no 'postgres' binary in AppHost:Postgres:BinDirectory '{configured}'");
        }

        const string debianRoot = "/usr/lib/postgresql";
        var found = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "postgres")) && File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        return found ?? throw new DistributedApplicationException(
            "PostgreSQL server binaries not found: install them with 'apt-get install -y postgresql' or set AppHost:Postgres:BinDirectory");
    }

    private static bool IsWritable(string folder)
    {
        try
        {
            var probe = Path.Combine(folder, $".probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
