using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tenancy.Provisioning;
using Tenancy.Sales;

namespace Tenancy.Benchmarks;

/// <summary>
/// The real system (the AppHost's graph: PostgreSQL, Redis, Api, Worker) started through Aspire.Hosting.Testing as
/// the end-to-end tests start it (<see cref="TestAppHost"/>: a throwaway data folder, no dashboard, no OTLP export),
/// plus the tenancy core in this process (wired as tests/Tenancy.IntegrationTests/PostgresFixture.cs wires it) for
/// provisioning and migrations.
/// </summary>
internal sealed class BenchSystem : IAsyncDisposable
{
    public const string BenchTenantPrefix = "bt-";
    public const int ProductsPerTenant = 100;

    private readonly DistributedApplication _app;
    private readonly IHost _core;

    private BenchSystem(DistributedApplication app, IHost core, string connectionString, string cacheConnectionString)
    {
        _app = app;
        _core = core;
        ConnectionString = connectionString;
        CacheConnectionString = cacheConnectionString;
        // Resolved once: neither restarts during a run, and finding a project's own process walks /proc.
        ApiProcessId = app.ServiceProcessId("api");
        PostgresProcessId = app.ProcessId("postgres");
        ApiBaseAddress = ApiListenAddress(ApiProcessId);
        Platform = new HttpClient { BaseAddress = ApiBaseAddress };
    }

    public string ConnectionString { get; }

    /// <summary>
    /// http://127.0.0.1:{port} the Api itself listens on: without a tenant host this is the platform (admin API). Not
    /// the endpoint Aspire publishes, which DCP proxies: the baseline app is reached directly, so the Api is too.
    /// </summary>
    public Uri ApiBaseAddress { get; }

    public HttpClient Platform { get; }

    public IServiceProvider Services => _core.Services;

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>The running system's Redis, for benchmarks that wire the tenant cache in-process.</summary>
    public string CacheConnectionString { get; }

    /// <summary>The Api's own process (below the <c>dotnet run</c> Aspire starts it with).</summary>
    public int ApiProcessId { get; }

    /// <summary>The process DCP started for PostgreSQL (runuser or setpriv when run as root); the postmaster and backends are below it.</summary>
    public int PostgresProcessId { get; }

    /// <summary>
    /// What Aspire started the Api with beyond this process's own environment (the launch profile's, logging and
    /// OpenTelemetry variables), without what is the Api's alone (connections, addresses, identity, its settings):
    /// the baseline apps run with it, so that only the code differs.
    /// </summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment()
    {
        string[] apiOnly = ["ConnectionStrings__", "Tenancy__", "services__", "ASPNETCORE_URLS", "HTTP_PORTS", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in ProcessTree.EnvironmentOf(ApiProcessId))
        {
            if (entry.Split('=', 2) is [var key, var value]
                && Environment.GetEnvironmentVariable(key) != value
                && !apiOnly.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    public static async Task<BenchSystem> StartAsync(CancellationToken cancellationToken)
    {
        // A folder of the bench's own, not one under /tmp/tenancy-tests, which test sessions on this machine clear out.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tenancy-bench", "system-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = await TestAppHost.CreateAsync($"--{LocalServerFolders.DataDirectoryKey}={dataDirectory}");
        BenchAuth.ConfigureApi(builder.CreateResourceBuilder<ProjectResource>("api"));
        // The benchmarks load one tenant far past a plan's request limit: they measure serving, not refusing. The
        // limiter still counts every request (as it does in production); fairness sets its flooder's limit itself.
        var api = builder.CreateResourceBuilder<ProjectResource>("api");
        foreach (var plan in new[] { "trial", "standard", "enterprise" })
        {
            api.WithEnvironment($"Tenancy__Limits__Plans__{plan}__RequestsPerWindow", "1000000000");
        }

        var app = await builder.StartAsync();
        try
        {
            var connectionString = await app.GetConnectionStringAsync("tenancydb", cancellationToken)
                ?? throw new InvalidOperationException("tenancydb has no connection string");
            // Tenants provisioned in-process must grant the Api's application role their tables, as the Api's own do.
            var application = await app.GetConnectionStringAsync("tenancydb-app", cancellationToken);
            var cache = await app.GetConnectionStringAsync("cache", cancellationToken)
                ?? throw new InvalidOperationException("cache has no connection string");
            var system = new BenchSystem(app, CreateCore(connectionString, application), connectionString, cache);
            await BenchAuth.SignInPlatformAsync(system.Platform, cancellationToken);
            return system;
        }
        catch
        {
            await app.StopAndDeleteAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Platform.Dispose();
        _core.Dispose();
        await _app.StopAndDeleteAsync();
    }

    /// <summary>
    /// Stops Redis (the "cache" resource, through its stop command): from then on the Api bypasses its tenant cache and
    /// every read goes to PostgreSQL, as it does when Redis is unreachable. Returns once the Api reports itself degraded.
    /// </summary>
    public async Task StopCacheServerAsync(CancellationToken cancellationToken)
    {
        await _app.StopResourceAsync("cache");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var health = await Platform.GetAsync("/health", cancellationToken);
            var status = await health.Content.ReadAsStringAsync(cancellationToken);
            if (status.Contains("Degraded", StringComparison.Ordinal))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the Api did not notice that Redis stopped within 30 s (/health: {status})");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>VmRSS of the Api's process, from /proc/{pid}/status, in MiB.</summary>
    public double ApiRssMiB() => ProcStatus.RssMiB(ApiProcessId);

    /// <summary>A request for the products page as tenant <paramref name="identifier"/>: by its host, {identifier}.localhost.</summary>
    public static HttpRequestMessage ProductsRequest(string identifier)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/products?pageSize=20");
        request.Headers.Host = identifier + ".localhost";
        request.Headers.Authorization = BenchAuth.Bearer(identifier);
        return request;
    }

    /// <summary>Creates a tenant through the admin API (POST /api/tenants) and checks the 201.</summary>
    public async Task CreateTenantThroughApiAsync(string identifier, string name, string plan, CancellationToken cancellationToken)
    {
        using var response = await Platform.PostAsJsonAsync("/api/tenants", new { identifier, name, plan }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /api/tenants {identifier}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>The identifiers of the benchmark tenants bt-0001.. (as many as asked), provisioning those that do not exist yet.</summary>
    public async Task<IReadOnlyList<string>> EnsureBenchTenantsAsync(int count, CancellationToken cancellationToken)
    {
        var wanted = Enumerable.Range(1, count).Select(BenchTenant).ToList();
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = DataSource.CreateCommand("SELECT identifier FROM tenancy.tenants WHERE identifier = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = wanted.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                existing.Add(reader.GetString(0));
            }
        }

        var missing = wanted.Where(w => !existing.Contains(w)).ToList();
        if (missing.Count > 0)
        {
            Console.WriteLine($"  setup: provisioning {missing.Count} tenants (untimed)");
            var provisioner = Services.GetRequiredService<TenantProvisioner>();
            foreach (var identifier in missing)
            {
                await provisioner.ProvisionAsync(new NewTenant(identifier, "Bench " + identifier), cancellationToken);
            }
        }

        await BenchAuth.GrantAsync(DataSource, wanted, cancellationToken);
        return wanted;
    }

    public static string BenchTenant(int number) => BenchTenantPrefix + number.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>Gives each tenant the same <see cref="ProductsPerTenant"/> products (SKU-0001..), straight in its schema.</summary>
    public async Task SeedProductsAsync(IReadOnlyList<string> identifiers, CancellationToken cancellationToken)
    {
        var tenants = await SchemasAsync(identifiers, cancellationToken);
        foreach (var chunk in tenants.Chunk(100))
        {
            await using var batch = DataSource.CreateBatch();
            foreach (var (id, schema) in chunk)
            {
                var insert = new NpgsqlBatchCommand($"""
                    INSERT INTO "{schema}".products (id, tenant_id, sku, name, price)
                    SELECT gen_random_uuid(), $1, 'SKU-' || lpad(g::text, 4, '0'), 'Product ' || g, (g % 50) + 0.5
                    FROM generate_series(1, {ProductsPerTenant}) g
                    ON CONFLICT (tenant_id, sku) DO NOTHING
                    """);
                insert.Parameters.Add(new NpgsqlParameter { Value = id });
                batch.BatchCommands.Add(insert);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var analyze = DataSource.CreateCommand("ANALYZE");
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Tenant id and schema of each identifier, in the order given.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Schema)>> SchemasAsync(IReadOnlyList<string> identifiers, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, (Guid, string)>(StringComparer.Ordinal);
        await using var command = DataSource.CreateCommand("SELECT identifier, id, schema_name FROM tenancy.tenants WHERE identifier = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = identifiers.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = (reader.GetGuid(1), reader.GetString(2));
        }

        return [.. identifiers.Select(i => found.TryGetValue(i, out var t) ? t : throw new InvalidOperationException($"no tenant '{i}'"))];
    }

    /// <summary>The first http address in the Api's ASPNETCORE_URLS (what Aspire tells Kestrel), on 127.0.0.1.</summary>
    private static Uri ApiListenAddress(int apiProcessId)
    {
        var urls = ProcessTree.EnvironmentOf(apiProcessId).FirstOrDefault(e => e.StartsWith("ASPNETCORE_URLS=", StringComparison.Ordinal))?["ASPNETCORE_URLS=".Length..]
            ?? throw new InvalidOperationException("the Api was started without ASPNETCORE_URLS");
        var http = urls.Split(';').Select(u => new Uri(u)).FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttp)
            ?? throw new InvalidOperationException($"the Api listens on no http address ({urls})");
        return new UriBuilder(http) { Host = "127.0.0.1" }.Uri;
    }

    private static IHost CreateCore(string connectionString, string? applicationConnectionString)
    {
        // No default configuration sources or console logging: the core only, over the AppHost's database.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = connectionString,
            ["ConnectionStrings:tenancydb-app"] = applicationConnectionString,
        });
        builder.AddTenancy<SalesDbContext>("tenancydb");
        return builder.Build();
    }
}
