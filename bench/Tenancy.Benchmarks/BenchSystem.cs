using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tenancy.Hosting;
using Tenancy.Hosting.Testing;
using Tenancy.Provisioning;
using Tenancy.Sales;

namespace Tenancy.Benchmarks;

/// <summary>
/// The real system (PostgreSQL, Redis, Api, Worker) started through the AppHost's testing entry point, plus the
/// tenancy core in this process (wired as tests/Tenancy.IntegrationTests/PostgresFixture.cs wires it) for
/// provisioning and migrations.
/// </summary>
internal sealed class BenchSystem : IAsyncDisposable
{
    public const string BenchTenantPrefix = "bt-";
    public const int ProductsPerTenant = 100;

    private readonly DistributedApplication _app;
    private readonly IHost _core;

    private BenchSystem(DistributedApplication app, IHost core, string connectionString)
    {
        _app = app;
        _core = core;
        ConnectionString = connectionString;
        Platform = app.CreateHttpClient("api");
        ApiBaseAddress = Platform.BaseAddress!;
    }

    public string ConnectionString { get; }

    /// <summary>http://127.0.0.1:{api port}: without a tenant host this is the platform (admin API).</summary>
    public Uri ApiBaseAddress { get; }

    public HttpClient Platform { get; }

    public IServiceProvider Services => _core.Services;

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>The running system's Redis, for benchmarks that wire the tenant cache in-process.</summary>
    public string CacheConnectionString => _app.GetConnectionString("cache") ?? throw new InvalidOperationException("cache has no connection string");

    public int ApiProcessId => _app.GetResource("api").ProcessId ?? throw new InvalidOperationException("the api has no process");

    /// <summary>The process the AppHost started for PostgreSQL (runuser when run as root); the postmaster and backends are below it.</summary>
    public int PostgresProcessId => _app.GetResource("postgres").ProcessId ?? throw new InvalidOperationException("postgres has no process");

    public static async Task<BenchSystem> StartAsync(CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>([], cancellationToken);
        BenchAuth.ConfigureApi(builder.CreateResourceBuilder<ProjectResource>("api"));
        var app = await builder.BuildAsync(cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
            await app.WaitForResourceHealthyAsync("api", cancellationToken);
            var connectionString = await app.GetConnectionStringAsync("tenancydb", cancellationToken)
                ?? throw new InvalidOperationException("tenancydb has no connection string");
            // Tenants provisioned in-process must grant the Api's application role their tables, as the Api's own do.
            var application = await app.GetConnectionStringAsync("tenancydb-app", cancellationToken);
            var system = new BenchSystem(app, CreateCore(connectionString, application), connectionString);
            await BenchAuth.SignInPlatformAsync(system.Platform, cancellationToken);
            return system;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Platform.Dispose();
        _core.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// Stops Redis (the AppHost's "cache" process, by its id): from then on the Api bypasses its tenant cache and every
    /// read goes to PostgreSQL, as it does when Redis is unreachable. Returns once the Api reports itself degraded.
    /// </summary>
    public async Task StopCacheServerAsync(CancellationToken cancellationToken)
    {
        var pid = _app.GetResource("cache").ProcessId ?? throw new InvalidOperationException("the cache has no process");
        using (var redis = Process.GetProcessById(pid))
        {
            redis.Kill();
            await redis.WaitForExitAsync(cancellationToken);
        }

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

/// <summary>What /proc says about processes: resident memory and CPU time.</summary>
internal static class ProcStatus
{
    // USER_HZ: the unit of the CPU times in /proc/{pid}/stat; 100 on every Linux this runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>VmRSS of a process, in MiB.</summary>
    public static double RssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kib / 1024.0;
    }

    /// <summary>
    /// CPU time (user + system) used so far by <paramref name="pid"/> and every process below it, including children
    /// that have exited and been waited for; processes gone since are simply absent.
    /// </summary>
    public static TimeSpan TreeCpuTime(int pid)
    {
        var stats = new Dictionary<int, (int Parent, long Own, long Children)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && TryReadStat(id, out var stat))
            {
                stats[id] = stat;
            }
        }

        var ticks = 0L;
        var pending = new Stack<int>([pid]);
        var seen = new HashSet<int>();
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current) || !stats.TryGetValue(current, out var stat))
            {
                continue;
            }

            // A child that has exited and been waited for counts in its parent's children times, a live one only in its own.
            ticks += stat.Own + stat.Children;
            foreach (var (child, childStat) in stats)
            {
                if (childStat.Parent == current)
                {
                    pending.Push(child);
                }
            }
        }

        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>CPU time all processes on the machine have used so far (busy time summed over every core, from /proc/stat).</summary>
    public static TimeSpan MachineBusyTime()
    {
        // "cpu  user nice system idle iowait irq softirq steal ...": everything but idle and iowait is busy.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields.Length > 7 ? fields[7] : 0);
        return TimeSpan.FromSeconds(busy / ClockTicksPerSecond);
    }

    private static bool TryReadStat(int pid, out (int Parent, long Own, long Children) stat)
    {
        stat = default;
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            stat = ((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
