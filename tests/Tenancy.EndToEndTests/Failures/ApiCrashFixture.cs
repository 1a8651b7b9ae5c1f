using System.Diagnostics;
using Npgsql;

namespace Tenancy.EndToEndTests.Failures;

/// <summary>
/// A system of its own, since its Api is killed: the Worker gives up on an unretried creation after 30 s (longer than
/// a restart, so a retry resumes first), and an outbox job the killed Api never started starts by itself after 5 s.
/// </summary>
public sealed class ApiCrashFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public TenancyClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await TestAppHost.CreateAsync();
        builder.CreateResourceBuilder<ProjectResource>("api")
            .WithEnvironment("Tenancy__Jobs__OutboxRecoverAfter", "00:00:05");
        builder.CreateResourceBuilder<ProjectResource>("worker")
            .WithEnvironment("Tenancy__Provisioning__AbandonAfterSeconds", "30")
            .WithEnvironment("Tenancy__Provisioning__SweepIntervalSeconds", "1");
        App = await builder.StartAsync();
        Client = new TenancyClient(App.CreateHttpClient("api"));
    }

    /// <summary>SIGKILL to the Api's own process: no shutdown, no cleanup, its sessions cut.</summary>
    public async Task KillApiAsync()
    {
        var api = Process.GetProcessById(App.ServiceProcessId("api"));
        api.Kill();
        await api.WaitForExitAsync();
        // Until DCP has seen it go, a start command can race the old run's exit and fail.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await App.ResourceNotifications.WaitForResourceAsync("api", [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart], timeout.Token);
    }

    /// <summary>
    /// Starts the Api again, then sends until both clients answer: their pooled connections to the killed process
    /// fail once each, as any client's would.
    /// </summary>
    public async Task RestartApiAsync()
    {
        try
        {
            await App.StartResourceAsync("api");
        }
        catch (DistributedApplicationException)
        {
            // Seen once on a loaded CI machine: the first start after a SIGKILL failed outright; a second one is what
            // an operator would do, and what the tests need to go on.
            await App.StartResourceAsync("api");
        }

        foreach (var http in new[] { Client.Http, Client.Anonymous })
        {
            for (var answered = 0; answered < 3;)
            {
                try
                {
                    using var response = await http.GetAsync("/alive");
                    answered++;
                }
                catch (HttpRequestException)
                {
                    answered = 0;
                    await Task.Delay(100);
                }
            }
        }
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(await App.GetConnectionStringAsync("tenancydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    /// <summary>Tenant databases that no registry row names.</summary>
    public async Task<List<string>> OrphanDatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(await App.GetConnectionStringAsync("tenancydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT datname FROM pg_database WHERE datname LIKE 'tenant\\_%' AND datname NOT IN (SELECT database_name FROM tenancy.tenants WHERE database_name IS NOT NULL)",
            connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public async Task DisposeAsync()
    {
        Client?.Http.Dispose();
        if (App is not null)
        {
            await App.StopAndDeleteAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCrashCollection : ICollectionFixture<ApiCrashFixture>
{
    public const string Name = "AppHost whose Api is killed";
}
