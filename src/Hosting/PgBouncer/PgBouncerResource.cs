using System.Globalization;
using Npgsql;
using Tenancy.Hosting.Processes;

namespace Tenancy.Hosting;

/// <summary>
/// PgBouncer in transaction pooling mode in front of a <see cref="PostgresDatabaseResource"/>, as production
/// deployments often have (PgBouncer, RDS Proxy): sessions are shared between clients one transaction at a time.
/// </summary>
public sealed class PgBouncerResource(string name, PostgresDatabaseResource database) : Resource(name), IResourceWithConnectionString
{
    private ChildProcess? _process;
    private string? _executable;
    private string? _folder;

    public override string Type => "pgbouncer";

    public PostgresDatabaseResource Database { get; } = database;

    /// <summary>Further roles that may log in through the pooler (see <see cref="PgBouncerBuilderExtensions.AddLogin"/>).</summary>
    internal List<PostgresRoleResource> Logins { get; } = [];

    public int Port { get; private set; }

    public override int? ProcessId => _process?.Id;

    public override string? DisplayUrl => Port == 0 ? null : $"127.0.0.1:{Port} (transaction pooling)";

    public string? ConnectionString => Port == 0 || Database.ConnectionString is not { } direct
        ? null
        // Npgsql's reset on close (DISCARD ALL) is pointless behind a transaction pooler.
        : new NpgsqlConnectionStringBuilder(direct) { Port = Port, NoResetOnClose = true }.ConnectionString;

    internal override void Validate(AppHostContext context)
    {
        _executable = new[] { "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer" }.FirstOrDefault(File.Exists)
            ?? throw new DistributedApplicationException("pgbouncer not found: install it with 'apt-get install -y pgbouncer'");
        _folder = Path.Combine(context.DataDirectory, Name);
        Port = FreePort.Next();
    }

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        Directory.CreateDirectory(_folder!);
        var authFile = Path.Combine(_folder!, "users.txt");
        var iniFile = Path.Combine(_folder!, "pgbouncer.ini");
        var users = new[] { server }.Concat(Logins.Select(l => new NpgsqlConnectionStringBuilder(l.ConnectionString)))
            .Select(u => $"\"{u.Username}\" \"{u.Password}\"\n");
        await File.WriteAllTextAsync(authFile, string.Concat(users), cancellationToken);
        File.SetUnixFileMode(authFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(iniFile, string.Create(CultureInfo.InvariantCulture, $"""
            [databases]
            {server.Database} = host={server.Host} port={server.Port} dbname={server.Database}
            * = host={server.Host} port={server.Port}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {Port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {authFile}
            pool_mode = transaction
            max_client_conn = 2000
            default_pool_size = 40
            ignore_startup_parameters = extra_float_digits
            """), cancellationToken);

        // Like PostgreSQL, PgBouncer refuses to run as root.
        var user = AppHostContext.IsRoot ? "postgres" : null;
        if (user is not null)
        {
            await Commands.RunAsync("chown", ["-R", $"{user}:{user}", _folder!], cancellationToken);
        }

        var (fileName, args) = Commands.AsUser(user, _executable!, [iniFile]);
        _process = ChildProcess.Start(Name, context.Console, fileName, args);

        var deadline = DateTime.UtcNow + context.StartTimeout;
        while (true)
        {
            if (_process.Exited.IsCompleted)
            {
                throw new DistributedApplicationException($"{Name} exited with code {_process.Exited.Result} while starting: {context.Console.Tail(Name, 3)}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    internal override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            return;
        }

        // SIGINT: PgBouncer's safe shutdown. Its runuser parent ends with it.
        await _process.StopAsync(PosixSignals.SigInt, TimeSpan.FromSeconds(5), FindPgBouncerPid() ?? _process.Id);
        _process.Dispose();
    }

    private int? FindPgBouncerPid() =>
        Directory.GetDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .FirstOrDefault(pid => ParentOf(pid) == _process!.Id) is var child and > 0 ? child : null;

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

public static class PgBouncerBuilderExtensions
{
    /// <summary>
    /// Lets <paramref name="role"/> log in through the pooler, and gives services its connection string through
    /// it (any database of the server: tenant databases are pooled too).
    /// </summary>
    public static IResourceBuilder<PgBouncerLoginResource> AddLogin(this IResourceBuilder<PgBouncerResource> pooler, string name, IResourceBuilder<PostgresRoleResource> role)
    {
        pooler.Resource.Logins.Add(role.Resource);
        pooler.WaitFor(role);
        return pooler.ApplicationBuilder.AddResource(new PgBouncerLoginResource(name, pooler.Resource, role.Resource)).WaitFor(pooler);
    }

    public static IResourceBuilder<PgBouncerResource> AddPgBouncer(this DistributedApplicationBuilder builder, string name, IResourceBuilder<PostgresDatabaseResource> database) =>
        builder.AddResource(new PgBouncerResource(name, database.Resource)).WaitFor(database);
}

/// <summary>A role's connection string through a <see cref="PgBouncerResource"/>.</summary>
public sealed class PgBouncerLoginResource(string name, PgBouncerResource pooler, PostgresRoleResource role) : Resource(name), IResourceWithConnectionString
{
    public override string Type => "pgbouncer login";

    public string? ConnectionString => pooler.Port == 0 || role.ConnectionString is not { } direct
        ? null
        : new NpgsqlConnectionStringBuilder(direct) { Port = pooler.Port, NoResetOnClose = true }.ConnectionString;

    internal override Task StartAsync(AppHostContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
