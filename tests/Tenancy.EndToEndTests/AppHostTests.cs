using System.Net;
using Npgsql;
using Tenancy.Hosting;
using Tenancy.Hosting.Testing;

namespace Tenancy.EndToEndTests;

[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(AppHostFixture fixture)
{
    [Fact]
    public void Every_resource_is_running()
    {
        var states = fixture.App.Resources.ToDictionary(r => r.Name, r => r.State);

        Assert.Equal(
            new Dictionary<string, ResourceState>
            {
                ["postgres"] = ResourceState.Running,
                ["tenancydb"] = ResourceState.Running,
                ["tenancydb-app"] = ResourceState.Running,
                ["cache"] = ResourceState.Running,
                ["api"] = ResourceState.Running,
                ["worker"] = ResourceState.Running,
                ["dashboard"] = ResourceState.Running,
            },
            states);
    }

    [Fact]
    public async Task Api_reports_healthy_and_alive()
    {
        var health = await fixture.Api.GetAsync("/health");
        var alive = await fixture.Api.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Connection_strings_follow_aspire_formats()
    {
        var database = await fixture.App.GetConnectionStringAsync("tenancydb");
        var cache = await fixture.App.GetConnectionStringAsync("cache");

        var builder = new NpgsqlConnectionStringBuilder(database);
        Assert.Equal("tenancydb", builder.Database);
        Assert.Equal("postgres", builder.Username);
        Assert.False(string.IsNullOrEmpty(builder.Password));
        Assert.Matches(@"^127\.0\.0\.1:\d+$", cache);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_database()", connection);
        Assert.Equal("tenancydb", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Tools_get_the_connection_strings_in_a_file_only_the_apphosts_user_can_read()
    {
        var path = await fixture.App.WriteConnectionsFileAsync();

        // Read back the way README.md tells people to: sourced by a shell.
        var startInfo = new System.Diagnostics.ProcessStartInfo("bash", ["-c", $"set -a; . '{path}'; echo \"$ConnectionStrings__tenancydb\"; echo \"$ConnectionStrings__cache\""])
        {
            RedirectStandardOutput = true,
        };
        using var shell = System.Diagnostics.Process.Start(startInfo)!;
        var lines = (await shell.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await shell.WaitForExitAsync();
        string[] expected = [(await fixture.App.GetConnectionStringAsync("tenancydb"))!, (await fixture.App.GetConnectionStringAsync("cache"))!];
        Assert.Equal(expected, lines);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Worker_reaches_postgres_and_redis()
    {
        await WaitUntil(() => fixture.App.Console.GetLines("worker").Any(l => l.Contains("Dependency redis", StringComparison.Ordinal)));

        var lines = fixture.App.Console.GetLines("worker");
        Assert.Contains(lines, l => l.Contains("Dependency postgres: Healthy", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Dependency redis: Healthy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenApi_document_is_served()
    {
        var response = await fixture.Api.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"openapi\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_apphost_on_the_same_data_folder_fails_clearly_and_leaves_the_first_running()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(
            [$"--AppHost:DataDirectory={fixture.App.DataDirectory}", "--AppHost:Ephemeral=false"]);
        await using var second = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => second.StartAsync());

        Assert.Contains("is in use by a running server", error.Message, StringComparison.Ordinal);
        Assert.Equal("Healthy", await fixture.Api.GetStringAsync("/health"));
    }

    [Fact]
    public async Task A_second_apphost_asking_for_a_taken_api_port_fails_clearly()
    {
        var takenPort = ((ProjectResource)fixture.App.GetResource("api")).HttpPort;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(
            ["--AppHost:RandomizePorts=false", $"--Ports:api={takenPort}"]);
        await using var second = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => second.StartAsync());

        Assert.Equal($"port {takenPort} for api is already in use (another AppHost?): stop it or set Ports:api to a free port", error.Message);
        Assert.All(second.Resources, r => Assert.Equal(ResourceState.NotStarted, r.State));
    }

    [Fact]
    public async Task Existing_servers_from_connection_strings_are_used_instead_of_starting_new_ones()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(
        [
            $"--ConnectionStrings:tenancydb={await fixture.App.GetConnectionStringAsync("tenancydb")}",
            $"--ConnectionStrings:cache={await fixture.App.GetConnectionStringAsync("cache")}",
        ]);
        await using var app = await builder.BuildAsync();

        await app.StartAsync();

        Assert.Null(app.GetResource("postgres").ProcessId);
        Assert.Null(app.GetResource("cache").ProcessId);
        using var api = app.CreateHttpClient("api");
        Assert.Equal("Healthy", await api.GetStringAsync("/health"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
    }
}
