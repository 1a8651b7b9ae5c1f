using System.Diagnostics;
using System.Linq.Expressions;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tenancy.Caching;
using Tenancy.Context;
using Tenancy.Jobs;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Sales;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Jobs;

/// <summary>
/// A service wired as the Worker wires jobs (tenancy, tenant cache, Hangfire over PostgreSQL with the tenancy filters,
/// and a job server), over the fixture's real PostgreSQL and Redis, with the probe jobs. Each host has a Hangfire schema
/// of its own, so no other host takes its jobs.
/// </summary>
internal sealed class JobsHost : IAsyncDisposable
{
    private readonly IHost _host;

    private JobsHost(IHost host, string schema, CapturedLogs logs) => (_host, Schema, Logs) = (host, schema, logs);

    public string Schema { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _host.Services;

    public IBackgroundJobClient Jobs => Services.GetRequiredService<IBackgroundJobClient>();

    public ProbeLog Probes => Services.GetRequiredService<ProbeLog>();

    /// <param name="configure">More services, such as telemetry, before the host is built.</param>
    public static async Task<JobsHost> StartAsync(PostgresFixture fixture, IDictionary<string, string?>? settings = null, Action<HostApplicationBuilder>? configure = null)
    {
        var schema = "jobs_" + Guid.NewGuid().ToString("N")[..10];
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = fixture.ConnectionString,
            ["ConnectionStrings:cache"] = fixture.CacheConnectionString,
            ["Tenancy:Jobs:Schema"] = schema,
            ["Tenancy:Jobs:SchedulePollingInterval"] = "00:00:01",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.AddTenancy<SalesDbContext>("tenancydb").WithCaching("cache").WithJobServer();
        builder.Services.AddSingleton<ProbeLog>();
        builder.Services.AddScoped<IProbeJob, ProbeJob>();
        builder.Services.AddScoped<IPlatformProbeJob, PlatformProbeJob>();
        builder.Services.AddScoped<IFairnessJob, FairnessJob>();
        builder.Services.AddSingleton<FairnessLog>();
        configure?.Invoke(builder);

        var host = builder.Build();
        await host.StartAsync();
        return new JobsHost(host, schema, logs);
    }

    /// <summary>A new tenant with one product whose SKU is the tenant's identifier.</summary>
    public async Task<(TenantInfo Tenant, Guid ProductId)> CreateTenantAsync(string prefix = "j", TenantIsolation isolation = TenantIsolation.Schema)
    {
        var created = await Services.GetRequiredService<TenantProvisioner>().ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier(prefix), "Jobs", Isolation: isolation));
        var tenant = (await Services.GetRequiredService<TenantLookup>().FindByIdentifierAsync(created.Identifier))!;
        await using var scope = Services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        var db = scope.Services.GetRequiredService<SalesDbContext>();
        var product = new Product { Sku = tenant.Identifier, Name = "probe", Price = 1 };
        db.Products.Add(product);
        await db.SaveChangesAsync();
        return (tenant, product.Id);
    }

    /// <summary>Enqueues as <paramref name="tenant"/> (null: with no current tenant), as a request of that tenant would.</summary>
    public string Enqueue<TJob>(TenantInfo? tenant, Expression<Func<TJob, Task>> job)
    {
        using (TenantContext.Enter(tenant))
        {
            return Jobs.Enqueue(job);
        }
    }

    public string Schedule<TJob>(TenantInfo? tenant, Expression<Func<TJob, Task>> job, TimeSpan delay)
    {
        using (TenantContext.Enter(tenant))
        {
            return Jobs.Schedule(job, delay);
        }
    }

    /// <summary>Waits for the job to reach Succeeded, Failed or Deleted, and returns that state.</summary>
    public async Task<StateData> WaitForFinalStateAsync(string jobId, TimeSpan? timeout = null)
    {
        var waited = Stopwatch.StartNew();
        using var connection = Services.GetRequiredService<JobStorage>().GetConnection();
        while (true)
        {
            var state = connection.GetStateData(jobId);
            if (state is { Name: "Succeeded" or "Failed" or "Deleted" })
            {
                return state;
            }

            if (waited.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                Assert.Fail($"job {jobId} did not finish; it is {state?.Name}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every state the job went through, oldest first, straight from Hangfire's tables.</summary>
    public async Task<IReadOnlyList<string>> StateHistoryAsync(string jobId)
    {
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand($"SELECT name FROM {Schema}.state WHERE jobid = $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture) });
        var states = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add(reader.GetString(0));
        }

        return states;
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    public TenantCache Cache => Services.GetRequiredService<TenantCache>();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
