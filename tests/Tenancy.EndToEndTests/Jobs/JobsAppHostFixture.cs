using Npgsql;

namespace Tenancy.EndToEndTests.Jobs;

/// <summary>
/// The whole system for the job tests. The Worker delivers each
/// confirmation in 1.5 s (so a test, even on a loaded machine, catches a delivery mid-flight) and takes back a dead Worker's jobs after 5 s.
/// </summary>
public sealed class JobsAppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public TenancyClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await TestAppHost.CreateAsync();
        builder.CreateResourceBuilder<ProjectResource>("worker")
            .WithEnvironment("Tenancy__Jobs__InvisibilityTimeout", "00:00:05")
            .WithEnvironment("Tenancy__Jobs__DistributedLockTimeout", "00:00:10")
            .WithEnvironment("Sales__Notifications__SimulatedSendLatency", "00:00:01.500");
        App = await builder.StartAsync();
        Client = new TenancyClient(App.CreateHttpClient("api"));
    }

    /// <summary>A scalar straight from the system's database, for what the API does not show (Hangfire's tables).</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(await App.GetConnectionStringAsync("tenancydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The Hangfire job's state (Enqueued, Processing, Succeeded, ...), as Hangfire recorded it.</summary>
    public Task<string> JobStateAsync(string jobId) =>
        ScalarAsync<string>("SELECT statename FROM hangfire.job WHERE id = $1", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Waits until the Hangfire job is in <paramref name="state"/>.</summary>
    public async Task WaitForJobStateAsync(string jobId, string state)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await JobStateAsync(jobId) != state)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"job {jobId} never reached {state}");
            await Task.Delay(100);
        }
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
public sealed class JobsAppHostCollection : ICollectionFixture<JobsAppHostFixture>
{
    public const string Name = "AppHost for jobs";
}
