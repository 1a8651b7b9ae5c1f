using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace Tenancy.IntegrationTests.Packages;

/// <summary>
/// The six libraries as NuGet packages (<c>eng/pack.sh</c>), and a fresh ASP.NET Core app (<c>tests/PackageApp</c>)
/// built from those packages alone, in a folder outside the repository (none of its Directory.*.props apply), then run
/// as its own process over a database of its own: it provisions two tenants and serves each only its own notes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PackedPackagesTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "tenancy-tests", "pkg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();

    [Fact]
    public async Task An_app_built_from_the_packages_alone_serves_two_isolated_tenants()
    {
        var root = RepositoryRoot();
        var (feed, app, packages) = (Path.Combine(_work, "feed"), Path.Combine(_work, "app"), Path.Combine(_work, "packages"));
        var suffix = "pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var version = "0.1.0-" + suffix;

        // At the lowest CPU priority and without build servers (whose work would run at normal priority and outlive
        // the test): the other test assemblies run at the same time, and some measure throughput. The bounds are for
        // such a busy machine; on a quiet one packing takes under a minute and the whole test about two.
        Progress($"packing {version}");
        var pack = await RunAsync("nice", ["-n", "19", "bash", Path.Combine(root, "eng", "pack.sh"), feed, suffix], root, TimeSpan.FromMinutes(8));
        Assert.True(pack.Succeeded, $"eng/pack.sh failed: {pack}");
        foreach (var library in (string[])["Tenancy", "Tenancy.AspNetCore", "Tenancy.Caching", "Tenancy.Jobs", "Tenancy.Accounts", "Tenancy.Files"])
        {
            Assert.True(File.Exists(Path.Combine(feed, $"{library}.{version}.nupkg")), $"no {library} package: {pack}");
            Assert.True(File.Exists(Path.Combine(feed, $"{library}.{version}.snupkg")), $"no {library} symbols: {pack}");
        }

        CopyApp(Path.Combine(root, "tests", "PackageApp"), app);
        // The packed feed beside the user's own sources (no <clear/>). Packages are extracted into a folder of this
        // run, so the user's cache never holds a test version; what it already holds is used from there.
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{packages}" /></config>
              <packageSources><add key="tenancy-packed" value="{feed}" /></packageSources>
              <fallbackPackageFolders><add key="user" value="{UserPackagesFolder()}" /></fallbackPackageFolders>
            </configuration>
            """);
        Progress("building the app from the packages");
        var build = await RunAsync(
            "nice", ["-n", "19", Dotnet, "build", Path.Combine(app, "Notes.csproj"), "-nologo", "-v", "quiet", "-clp:ErrorsOnly", $"-p:TenancyVersion={version}", "--disable-build-servers"],
            app, TimeSpan.FromMinutes(5));
        Assert.True(build.Succeeded, $"dotnet build of the package app failed: {build}");
        Assert.True(Directory.Exists(Path.Combine(packages, "tenancy", version)), $"Tenancy {version} was not restored from the packed feed: {build}");

        // A database of its own (its tenant migrations are the app's notes, not the Sales app's), and an application
        // role the server lacks: the app creates it as it first migrates, and serves tenant data through it.
        var owner = await PostgresFixture.CreateEmptyDatabaseAsync(postgres.ConnectionString);
        var role = "pkg_app_" + Guid.NewGuid().ToString("N")[..10];
        var application = new NpgsqlConnectionStringBuilder(owner) { Username = role, Password = Guid.NewGuid().ToString("N") }.ConnectionString;

        using var traces = new OtlpReceiver();
        var port = FreePort();
        await using var running = AppProcess.Start(Path.Combine(app, "bin", "Debug", "net10.0", "Notes.dll"), app, new Dictionary<string, string>
        {
            ["ConnectionStrings__tenancydb"] = owner,
            ["ConnectionStrings__tenancydb-app"] = application,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = traces.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_SERVICE_NAME"] = "notes",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Progress($"starting the app on port {port}");
        await running.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
        Progress("the app serves");

        var (acme, globex) = (PostgresFixture.NewIdentifier("pa"), PostgresFixture.NewIdentifier("pg"));
        await ExpectAsync(running, HttpStatusCode.Created, await http.PostAsync($"/tenants/{acme}", null));
        await ExpectAsync(running, HttpStatusCode.Created, await http.PostAsync($"/tenants/{globex}?isolation=Shared", null));
        Assert.True(await RoleExistsAsync(owner, role), $"the application role {role} was not created: {running}");
        Progress($"provisioned {acme} (schema) and {globex} (shared tables)");

        var acmeNote = await AddNoteAsync(running, http, acme, "Acme's plans");
        var globexNote = await AddNoteAsync(running, http, globex, "Globex's plans");

        Assert.Equal(["Acme's plans"], await NoteTextsAsync(running, http, acme));
        Assert.Equal(["Globex's plans"], await NoteTextsAsync(running, http, globex));
        await ExpectAsync(running, HttpStatusCode.NotFound, await http.SendAsync(AsTenant(HttpMethod.Get, $"/notes/{globexNote}", acme)));
        await ExpectAsync(running, HttpStatusCode.NotFound, await http.SendAsync(AsTenant(HttpMethod.Get, $"/notes/{acmeNote}", globex)));
        await ExpectAsync(running, HttpStatusCode.OK, await http.SendAsync(AsTenant(HttpMethod.Get, $"/notes/{globexNote}", globex)));
        // No tenant, an unknown one, and the platform's endpoint asked for as a tenant: refused before any handler runs.
        await ExpectAsync(running, HttpStatusCode.BadRequest, await http.GetAsync("/notes"));
        await ExpectAsync(running, HttpStatusCode.NotFound, await http.SendAsync(AsTenant(HttpMethod.Get, "/notes", "nobody-here")));
        await ExpectAsync(running, HttpStatusCode.NotFound, await http.SendAsync(AsTenant(HttpMethod.Post, $"/tenants/{acme}-2", acme)));
        Progress("each tenant reads only its own note");

        Assert.True(
            await traces.WaitForAsync(["tenant.identifier", acme], TimeSpan.FromSeconds(15)),
            $"no exported span named tenant {acme} ({traces.Requests} OTLP requests): {running}");
        Progress("spans carry the tenant");

        var exitCode = await running.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"the app did not stop cleanly (exit {exitCode}): {running}");
        Progress("stopped");
    }

    [Theory]
    [InlineData("Program.cs")]
    [InlineData("NotesDbContext.cs")]
    public void The_getting_started_guide_shows_the_package_apps_code(string file)
    {
        var root = RepositoryRoot();
        var code = File.ReadAllText(Path.Combine(root, "tests", "PackageApp", file)).TrimEnd('\n');
        var guide = File.ReadAllText(Path.Combine(root, "docs", "getting-started.md"));

        Assert.True(guide.Contains($"```csharp\n{code}\n```", StringComparison.Ordinal), $"docs/getting-started.md does not show tests/PackageApp/{file} as it is");
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private void Progress(string message) => output.WriteLine($"{_elapsed.Elapsed.TotalSeconds,6:F1}s {message}");

    private static async Task<Guid> AddNoteAsync(AppProcess app, HttpClient http, string tenant, string text)
    {
        var request = AsTenant(HttpMethod.Post, "/notes", tenant);
        request.Content = JsonContent.Create(new { text });
        var response = await http.SendAsync(request);
        await ExpectAsync(app, HttpStatusCode.Created, response);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<string[]> NoteTextsAsync(AppProcess app, HttpClient http, string tenant)
    {
        var response = await http.SendAsync(AsTenant(HttpMethod.Get, "/notes", tenant));
        await ExpectAsync(app, HttpStatusCode.OK, response);
        var notes = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. notes.EnumerateArray().Select(n => n.GetProperty("text").GetString()!)];
    }

    private static HttpRequestMessage AsTenant(HttpMethod method, string path, string tenant) =>
        new(method, path) { Headers = { { "X-Tenant", tenant } } };

    private static async Task ExpectAsync(AppProcess app, HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{app}");
        }
    }

    private static async Task<bool> RoleExistsAsync(string connectionString, string role)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = $1", connection) { Parameters = { new() { Value = role } } };
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    /// <summary>The folder holding Tenancy.sln, above this test's output folder.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Tenancy.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Tenancy.sln above {AppContext.BaseDirectory}.");
    }

    private static string UserPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The app's sources, without what a build in place may have left.</summary>
    private static void CopyApp(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a build command to its end, within <paramref name="timeout"/>.</summary>
    private static async Task<CommandResult> RunAsync(string file, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        PrepareBuildEnvironment(start);
        var lines = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(lines, e.Data);
        process.ErrorDataReceived += (_, e) => Append(lines, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new CommandResult($"{file} {string.Join(' ', arguments)}", null, Text(lines));
        }

        return new CommandResult($"{file} {string.Join(' ', arguments)}", process.ExitCode, Text(lines));
    }

    /// <summary>
    /// What a developer's shell would have: no MSBuild location inherited from the test run's own build, no shared
    /// build servers, no telemetry notice.
    /// </summary>
    private static void PrepareBuildEnvironment(ProcessStartInfo start)
    {
        foreach (var inherited in (string[])["MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "TenancyVersion", "VersionSuffix"])
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        // An environment variable is an MSBuild property: no compiler server either.
        start.Environment["UseSharedCompilation"] = "false";
    }

    private static void Append(StringBuilder lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.AppendLine(line);
        }
    }

    private static string Text(StringBuilder lines)
    {
        lock (lines)
        {
            return lines.ToString();
        }
    }

    private sealed record CommandResult(string Command, int? ExitCode, string Output)
    {
        public bool Succeeded => ExitCode == 0;

        public override string ToString() =>
            $"{Command}: {(ExitCode is { } code ? $"exit {code}" : "timed out")}\n{Output}";
    }

    /// <summary>The package app as its own process; its output is kept for the assertion messages.</summary>
    private sealed class AppProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private AppProcess(Process process) => _process = process;

        public static AppProcess Start(string assembly, string workingDirectory, IReadOnlyDictionary<string, string> environment)
        {
            var start = new ProcessStartInfo(Dotnet) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(assembly);
            foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                || k.StartsWith("Tenancy__", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)
                || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k == "DOTNET_ENVIRONMENT").ToList())
            {
                start.Environment.Remove(inherited);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var app = new AppProcess(new Process { StartInfo = start });
            app._process.OutputDataReceived += (_, e) => Append(app._output, e.Data);
            app._process.ErrorDataReceived += (_, e) => Append(app._output, e.Data);
            app._process.Start();
            app._process.BeginOutputReadLine();
            app._process.BeginErrorReadLine();
            return app;
        }

        /// <summary>Until the app answers HTTP (after its startup migrations, which run before the server starts).</summary>
        public async Task WaitUntilServingAsync(HttpClient http, TimeSpan timeout)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                if (_process.HasExited)
                {
                    Assert.Fail($"the app exited with {_process.ExitCode} before serving: {this}");
                }

                try
                {
                    using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    using var response = await http.GetAsync("/notes", probe.Token);
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    if (waited.Elapsed > timeout)
                    {
                        Assert.Fail($"the app did not serve within {timeout.TotalSeconds} s: {this}");
                    }

                    await Task.Delay(250);
                }
            }
        }

        /// <summary>SIGTERM, as a service manager stops it; returns its exit code.</summary>
        public async Task<int> StopAsync(TimeSpan timeout)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
            }

            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the app did not stop within {timeout.TotalSeconds} s of SIGTERM: {this}");
            }

            return _process.ExitCode;
        }

        public override string ToString() => $"\n--- the app's output ---\n{Text(_output)}--- end ---";

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }

    /// <summary>
    /// An OTLP/HTTP endpoint that keeps what it is sent. Spans arrive as protobuf, whose strings are plain UTF-8:
    /// an attribute's name and value can be found in the bytes without decoding the message.
    /// </summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<byte[]> _bodies = new();
        private readonly Task _loop;

        public OtlpReceiver()
        {
            Endpoint = $"http://127.0.0.1:{FreePort()}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public int Requests => _bodies.Count;

        public async Task<bool> WaitForAsync(IReadOnlyList<string> texts, TimeSpan timeout)
        {
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < timeout)
            {
                if (_bodies.Any(body => texts.All(text => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0)))
                {
                    return true;
                }

                await Task.Delay(200);
            }

            return false;
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _bodies.Enqueue(body.ToArray());
                // An empty ExportTraceServiceResponse: everything accepted.
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
