using Npgsql;

namespace Tenancy.EndToEndTests;

/// <summary>Tests that start and stop systems of their own.</summary>
public sealed class AppHostLifecycleTests
{
    [Fact]
    public async Task A_first_start_and_a_stop_log_no_error_and_leave_no_process_behind()
    {
        var logs = new CapturedLogs();
        var builder = await TestAppHost.CreateAsync();
        builder.Services.AddLogging(logging => logging.AddProvider(logs));
        var app = await builder.StartAsync();
        // Running only means the Worker's process was launched: a stop before its host has started cancels that start,
        // which the host logs as a failure. The Worker and the console start together once the Api is healthy.
        await logs.WaitForAsync("AppHost.Resources.worker", "Application started.", TimeSpan.FromMinutes(3));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("console");
        var postgres = app.ProcessId("postgres");
        var processes = new[] { "api", "worker", "console", "cache", "files" }.Select(app.ServiceProcessId).Append(postgres).Concat(ProcessTree.ChildrenOf(postgres)).ToList();
        Assert.All(processes, pid => Assert.True(ProcessTree.IsRunning(pid), $"process {pid} should run before the stop"));

        await app.StopAndDeleteAsync();

        Assert.All(processes, pid => Assert.False(ProcessTree.IsRunning(pid), $"process {pid} outlived the AppHost"));
        // What every resource printed, from initdb to the stop: services stop before the servers they use.
        var lines = logs.Lines.ToList();
        var bad = lines.Select((line, i) => (line, i)).Where(l => l.line.Contains("ERROR", StringComparison.Ordinal) || l.line.Contains("FATAL", StringComparison.Ordinal)
            || l.line.Contains("fail:", StringComparison.Ordinal) || l.line.Contains("Unhandled exception", StringComparison.Ordinal)).ToList();
        // Each with the lines that follow it: a console logger writes the message on the next line.
        Assert.True(bad.Count == 0, "a normal start and stop logged:\n" + string.Join('\n', bad.Take(10).Select(l => string.Join('\n', lines.Skip(l.i).Take(4)))));
        Assert.Contains(logs.Lines, line => line.Contains("initdb", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_platform_admins_password_from_the_apphosts_environment_reaches_the_Api_alone()
    {
        // As the README's `export Tenancy__Admin__Password=…` hands it to `dotnet run`: DCP passes the AppHost's
        // environment on to every process it starts.
        Environment.SetEnvironmentVariable("Tenancy__Admin__Password", TestAdmin.Password);
        var app = await (await TestAppHost.CreateAsync()).StartAsync();
        try
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync("worker");
            await app.ResourceNotifications.WaitForResourceHealthyAsync("console");
            bool Holds(int pid) => ProcessTree.EnvironmentOf(pid).Any(variable => variable.Contains(TestAdmin.Password, StringComparison.Ordinal));

            Assert.True(Holds(app.ServiceProcessId("api")), "the Api needs the password to create the first platform admin");
            Assert.All(
                new[] { ("worker", app.ServiceProcessId("worker")), ("console", app.ServiceProcessId("console")), ("postgres", app.ProcessId("postgres")), ("cache", app.ProcessId("cache")), ("files", app.ProcessId("files")) },
                process => Assert.False(Holds(process.Item2), $"{process.Item1} was given the platform admin's password"));
            // The console reaches data through the Api alone: no database or cache connection string in its environment.
            Assert.DoesNotContain(ProcessTree.EnvironmentOf(app.ServiceProcessId("console")), variable => variable.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAndDeleteAsync();
            Environment.SetEnvironmentVariable("Tenancy__Admin__Password", null);
        }
    }

    [Fact]
    public async Task A_second_run_reuses_the_data_folder_and_a_second_apphost_on_it_fails_clearly()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tenancy-tests", "reuse-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args = [$"--AppHost:DataDirectory={dataDirectory}", "--AppHost:Ephemeral=false"];
        try
        {
            await using (var first = await (await TestAppHost.CreateAsync(args)).StartAsync())
            {
                await ExecuteAsync(first, "CREATE TABLE marker (note text); INSERT INTO marker VALUES ('written by the first run')");
            }

            await using var second = await (await TestAppHost.CreateAsync(args)).StartAsync();
            Assert.Equal("written by the first run", await ExecuteAsync(second, "SELECT note FROM marker"));

            var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => TestAppHost.CreateAsync(args));

            Assert.Contains("is in use by a running server", error.Message, StringComparison.Ordinal);
            Assert.Equal("Healthy", await second.CreateHttpClient("api").GetStringAsync("/health"));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData("--AppHost:Postgres:BinDirectory=/nonexistent/bin", "apt-get install -y postgresql")]
    [InlineData("--AppHost:Redis:Executable=/nonexistent/redis-server", "apt-get install -y redis-server")]
    [InlineData("--AppHost:Azurite:Executable=/nonexistent/azurite-blob", "npm install -g azurite@3.37.0")]
    public async Task Missing_server_binaries_stop_the_apphost_with_the_package_to_install(string setting, string advice)
    {
        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => TestAppHost.CreateAsync(setting));

        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Existing_servers_from_connection_strings_are_used_instead_of_starting_new_ones()
    {
        await using var servers = await (await TestAppHost.CreateAsync()).StartAsync();
        var builder = await TestAppHost.CreateAsync(
            $"--ConnectionStrings:tenancydb={await servers.GetConnectionStringAsync("tenancydb")}",
            $"--ConnectionStrings:tenancydb-app={await servers.GetConnectionStringAsync("tenancydb-app")}",
            $"--ConnectionStrings:cache={await servers.GetConnectionStringAsync("cache")}",
            $"--ConnectionStrings:files={await servers.GetConnectionStringAsync("files")}");

        Assert.DoesNotContain(builder.Resources, r => r is LocalPostgresServerResource or LocalRedisResource or LocalAzuriteResource);
        await using var app = await builder.StartAsync();
        using var api = app.CreateHttpClient("api");
        Assert.Equal("Healthy", await api.GetStringAsync("/health"));
    }

    [Fact]
    public async Task With_a_container_runtime_the_model_uses_aspires_postgres_and_redis_containers()
    {
        var builder = await TestAppHost.CreateAsync("--AppHost:Containers=always");

        var postgres = Assert.Single(builder.Resources.OfType<PostgresServerResource>());
        var database = Assert.Single(builder.Resources.OfType<PostgresDatabaseResource>());
        var role = Assert.Single(builder.Resources.OfType<PostgresRoleResource>());
        var redis = Assert.Single(builder.Resources.OfType<RedisResource>());
        var azurite = Assert.Single(builder.Resources.OfType<AzuriteContainerResource>());
        Assert.DoesNotContain(builder.Resources, r => r is LocalPostgresServerResource or LocalRedisResource or LocalAzuriteResource);

        Assert.Equal("library/postgres", postgres.Annotations.OfType<ContainerImageAnnotation>().Single().Image);
        Assert.Contains(postgres.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target.StartsWith("/var/lib/postgresql", StringComparison.Ordinal));
        Assert.Equal(("tenancydb", postgres), (database.DatabaseName, database.Parent));
        Assert.Equal(("tenancy_app", (IResource)database), (role.RoleName, role.Parent));
        Assert.EndsWith("redis", redis.Annotations.OfType<ContainerImageAnnotation>().Single().Image, StringComparison.Ordinal);
        // The same emulator and version as the local process, with its own generated key (never the well-known one).
        var image = azurite.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal(("files", "azure-storage/azurite", "3.37.0", "mcr.microsoft.com"), (azurite.Name, image.Image, image.Tag, image.Registry));
        Assert.Contains(azurite.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/data");
        Assert.True(azurite.AccountKeyParameter.Secret);
        foreach (var service in new[] { "api", "worker" })
        {
            var project = builder.Resources.OfType<ProjectResource>().Single(p => p.Name == service);
            var references = project.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource.Name).ToHashSet();
            Assert.Superset(new HashSet<string> { "tenancydb", "tenancydb-app", "cache", "files" }, references);
        }
    }

    private static async Task<object?> ExecuteAsync(DistributedApplication app, string sql)
    {
        await using var connection = new NpgsqlConnection(await app.GetConnectionStringAsync("tenancydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

/// <summary>Every line the AppHost logs, resources' output included (Aspire.Hosting.Testing forwards it).</summary>
public sealed partial class CapturedLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    /// <summary>Waits until a line of <paramref name="category"/> contains <paramref name="text"/>.</summary>
    public async Task WaitForAsync(string category, string text, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_lines.Any(line => line.StartsWith(category + " ", StringComparison.Ordinal) && line.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < timeout, $"no line of {category} said '{text}' within {timeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex Colours();

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            // Without the colours the services' console loggers write around "fail", "warn".
            lines.Enqueue(Colours().Replace($"{category} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}", ""));
    }
}
