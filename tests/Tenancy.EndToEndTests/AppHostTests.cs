using System.Net;
using System.Text.Json;
using Npgsql;

namespace Tenancy.EndToEndTests;

[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(AppHostFixture fixture)
{
    private static readonly string[] Resources = ["postgres", "tenancydb", "tenancydb-app", "cache", "files", "api", "worker"];

    [Fact]
    public async Task Every_resource_ends_running_and_healthy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        foreach (var name in Resources)
        {
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(name, out var state), name);
            Assert.Equal((name, KnownResourceStates.Running), (name, state.Snapshot.State?.Text));
        }
    }

    [Fact]
    public async Task Api_reports_healthy_and_alive_and_serves_its_openapi_document()
    {
        var health = await fixture.Api.GetAsync("/health");
        var alive = await fixture.Api.GetAsync("/alive");
        var openApi = await fixture.Api.GetAsync("/openapi/v1.json");

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (health.StatusCode, await health.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Contains("\"openapi\"", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Servers_have_passwords_and_the_application_role_gets_none_of_the_owners()
    {
        var owner = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("tenancydb"));
        var application = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("tenancydb-app"));
        var cache = StackExchange.Redis.ConfigurationOptions.Parse((await fixture.App.GetConnectionStringAsync("cache"))!);

        Assert.Equal(("tenancydb", "postgres"), (owner.Database, owner.Username));
        Assert.Equal(("tenancydb", "tenancy_app"), (application.Database, application.Username));
        Assert.False(string.IsNullOrEmpty(owner.Password));
        Assert.False(string.IsNullOrEmpty(application.Password));
        Assert.DoesNotContain(owner.Password!, application.ConnectionString, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(cache.Password));

        await using var connection = new NpgsqlConnection(application.ConnectionString);
        await connection.OpenAsync();
        await using var role = new NpgsqlCommand("SELECT rolsuper OR rolbypassrls OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user", connection);
        Assert.Equal(false, await role.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_cli_gets_the_running_systems_connection_strings_in_a_file_only_the_apphosts_user_can_read()
    {
        var path = Path.Combine(fixture.App.DataDirectory(), "connections.json");

        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var connectionStrings = file.RootElement.GetProperty("ConnectionStrings");
        foreach (var name in new[] { "tenancydb", "tenancydb-app", "cache", "files" })
        {
            Assert.Equal(await fixture.App.GetConnectionStringAsync(name), connectionStrings.GetProperty(name).GetString());
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Redis_refuses_every_command_without_its_password()
    {
        var endpoint = StackExchange.Redis.ConfigurationOptions.Parse((await fixture.App.GetConnectionStringAsync("cache"))!).EndPoints.Single();
        var (host, port) = endpoint switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => throw new InvalidOperationException($"unexpected endpoint {endpoint}"),
        };

        // The protocol itself, so no client library's handshake hides the answer.
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(host, port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET tenancy:any\r\n"u8.ToArray());
        var buffer = new byte[256];
        var answer = System.Text.Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer));

        Assert.StartsWith("-NOAUTH", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_stay_out_of_the_servers_command_lines_and_environments()
    {
        var cachePassword = StackExchange.Redis.ConfigurationOptions.Parse((await fixture.App.GetConnectionStringAsync("cache"))!).Password!;
        var ownerPassword = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("tenancydb")).Password!;
        var storageKey = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = await fixture.App.GetConnectionStringAsync("files") }["AccountKey"].ToString()!;

        foreach (var name in new[] { "postgres", "cache", "files" })
        {
            var pid = fixture.App.ProcessId(name);
            var commandLine = await File.ReadAllTextAsync($"/proc/{pid}/cmdline");
            Assert.DoesNotContain(cachePassword, commandLine, StringComparison.Ordinal);
            Assert.DoesNotContain(ownerPassword, commandLine, StringComparison.Ordinal);
            Assert.DoesNotContain(storageKey, commandLine, StringComparison.Ordinal);
            // DCP would hand a server the AppHost's whole environment, the platform admin's password included.
            Assert.DoesNotContain(ProcessTree.EnvironmentOf(pid), variable =>
                variable.StartsWith("Tenancy__", StringComparison.Ordinal) || variable.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_dashboards_migrate_command_runs_the_migrations_and_shows_the_result()
    {
        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("api", "migrate-tenants");

        Assert.True(result.Success, result.Message);
        Assert.Contains("shared: up to date", result.Message, StringComparison.Ordinal);
    }
}
