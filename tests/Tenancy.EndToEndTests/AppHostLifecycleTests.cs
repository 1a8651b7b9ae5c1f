using Npgsql;
using Tenancy.Hosting;
using Tenancy.Hosting.Testing;

namespace Tenancy.EndToEndTests;

/// <summary>Tests that start and stop whole systems of their own.</summary>
public sealed class AppHostLifecycleTests
{
    [Fact]
    public async Task Stop_leaves_no_process_behind()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        var app = await builder.BuildAsync();
        await app.StartAsync();
        var postgres = (PostgresServerResource)app.GetResource("postgres");
        var postmasterPid = int.Parse(File.ReadLines(Path.Combine(postgres.DataFolder!, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        var pids = app.Resources.Select(r => r.ProcessId).OfType<int>().Append(postmasterPid).ToList();
        var postgresBackends = ChildrenOf(postmasterPid);
        Assert.Equal(5, pids.Count);
        Assert.NotEmpty(postgresBackends);
        Assert.All(pids, pid => Assert.True(Directory.Exists($"/proc/{pid}"), $"process {pid} should run before the stop"));

        await app.DisposeAsync();

        Assert.All(pids.Concat(postgresBackends), pid => Assert.False(IsRunning(pid), $"process {pid} outlived the AppHost"));
        Assert.False(Directory.Exists(app.DataDirectory), "the throwaway data folder should be removed");
    }

    [Fact]
    public async Task A_second_run_reuses_the_data_folder()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tenancy-tests", "reuse-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args = [$"--AppHost:DataDirectory={dataDirectory}", "--AppHost:Ephemeral=false"];
        try
        {
            await using (var first = await (await DistributedApplicationTestingBuilder.CreateAsync<Program>(args)).BuildAsync())
            {
                await first.StartAsync();
                await ExecuteAsync(first, "CREATE TABLE marker (note text); INSERT INTO marker VALUES ('written by the first run')");
            }

            await using var second = await (await DistributedApplicationTestingBuilder.CreateAsync<Program>(args)).BuildAsync();
            await second.StartAsync();

            Assert.Equal("written by the first run", await ExecuteAsync(second, "SELECT note FROM marker"));
            Assert.DoesNotContain(second.Console.GetLines("postgres"), l => l.Contains("initdb", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Missing_postgres_binaries_are_reported_in_one_line()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(["--AppHost:Postgres:BinDirectory=/nonexistent/bin"]);
        await using var app = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());

        Assert.Equal("no 'postgres' binary in AppHost:Postgres:BinDirectory '/nonexistent/bin'", error.Message);
    }

    [Fact]
    public async Task Missing_redis_server_is_reported_with_the_package_to_install()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(["--AppHost:Redis:Executable=/nonexistent/redis-server"]);
        await using var app = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());

        Assert.Contains("apt-get install -y redis-server", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static async Task<object?> ExecuteAsync(DistributedApplication app, string sql)
    {
        await using var connection = new NpgsqlConnection(await app.GetConnectionStringAsync("tenancydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static List<int> ChildrenOf(int pid) =>
        [.. Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(child => ParentOf(child) == pid)];

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

    private static bool IsRunning(int pid)
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
}
