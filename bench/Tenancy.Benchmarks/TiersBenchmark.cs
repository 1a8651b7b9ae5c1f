using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Tenants;

namespace Tenancy.Benchmarks;

/// <summary>
/// (g) Isolation tiers, on the query path (Redis stopped, every request reaches PostgreSQL):
/// GET /api/products for one tenant per tier, alternated, against the schema tier (the existing tier) as baseline;
/// the shared tenant's table also holds 49 other tenants' rows. Then 200 database-tier tenants under round-robin
/// load: the peak number of connections to tenant databases (sampled from pg_stat_activity every 50 ms) against the
/// Api's global cap, and throughput against the same load over 10 database-tier tenants.
/// </summary>
internal static class TiersBenchmark
{
    private const string Name = "(g) tiers";
    private const int ManyDatabases = 200;
    private const int FewDatabases = 10;
    private static readonly string[] Tiers = ["shared", "schema", "database"];

    public static async Task RunAsync(BenchSystem system, BenchOptions options, ResultTable results, CancellationToken cancellationToken)
    {
        Console.WriteLine($"{Name}: GET /api/products per tier, {options.Concurrency} workers, {options.Rounds} x {options.Duration.TotalSeconds:0} s each; then {ManyDatabases} database tenants vs {FewDatabases}");
        using var client = LoadGenerator.CreateClient(system.ApiBaseAddress, options.Concurrency);
        foreach (var tier in Tiers)
        {
            using var response = await system.Platform.PostAsJsonAsync("/api/tenants", new { identifier = Tenant(tier), name = tier, plan = "enterprise", isolation = tier }, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"POST /api/tenants {tier}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        // Every request carries a token; the benchmark user is made a member of these tenants as of the bt- ones.
        await BenchAuth.GrantAsync(system.DataSource, [.. Tiers.Select(Tenant)], cancellationToken);
        await SeedAsync(system, cancellationToken);
        foreach (var tier in Tiers)
        {
            await ExpectProductsAsync(client, Tenant(tier), BenchSystem.ProductsPerTenant, cancellationToken);
        }

        var measured = await Alternation.RunAsync(
            [.. Tiers.Select(t => new LoadConfiguration(t, client, _ => BenchSystem.ProductsRequest(Tenant(t)), system.ApiProcessId))],
            options,
            system.PostgresProcessId,
            cancellationToken);
        var schema = measured["schema"];
        foreach (var tier in Tiers)
        {
            var value = measured[tier];
            results.Add(Name, $"{tier} tier: throughput / schema tier", Rps(value), Rps(schema), value.Load.RequestsPerSecond / schema.Load.RequestsPerSecond);
            results.Add(Name, $"{tier} tier: p99 latency", ResultTable.Ms(value.Load.P99Ms), ResultTable.Ms(schema.Load.P99Ms), value.Load.P99Ms / schema.Load.P99Ms);
        }

        results.Note($"{Name}: shared / schema throughput round by round: {Alternation.RoundRatios(measured["shared"], schema, r => r.RequestsPerSecond)}; database / schema: {Alternation.RoundRatios(measured["database"], schema, r => r.RequestsPerSecond)}.");
        await ConnectionCapAsync(system, options, client, results, cancellationToken);
    }

    private static async Task ConnectionCapAsync(BenchSystem system, BenchOptions options, HttpClient client, ResultTable results, CancellationToken cancellationToken)
    {
        var identifiers = Enumerable.Range(1, ManyDatabases).Select(i => "bd-" + i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
        Console.WriteLine($"  setup: provisioning {ManyDatabases} database-tier tenants (untimed)");
        var provisioner = system.Services.GetRequiredService<TenantProvisioner>();
        foreach (var identifier in identifiers)
        {
            await provisioner.ProvisionAsync(new NewTenant(identifier, identifier, Isolation: TenantIsolation.Database), cancellationToken);
        }

        await BenchAuth.GrantAsync(system.DataSource, identifiers, cancellationToken);
        await ExpectProductsAsync(client, identifiers[^1], 0, cancellationToken);
        var cap = new TenantDatabaseOptions().MaxConnections;
        var few = new LoadConfiguration($"{FewDatabases} database tenants", client, n => BenchSystem.ProductsRequest(identifiers[(int)(n % FewDatabases)]), system.ApiProcessId);
        var many = new LoadConfiguration($"{ManyDatabases} database tenants", client, n => BenchSystem.ProductsRequest(identifiers[(int)(n % ManyDatabases)]), system.ApiProcessId);
        var peaks = new Dictionary<string, (int TenantDatabases, int All)>();
        var phases = new Dictionary<string, List<LoadResult>> { [few.Label] = [], [many.Label] = [] };
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var configuration in round % 2 == 0 ? new[] { few, many } : [many, few])
            {
                using var sampling = new CancellationTokenSource();
                var sampler = SamplePeakConnectionsAsync(system, sampling.Token);
                var (phase, _, _) = await Alternation.MeasureAsync(configuration, options, system.PostgresProcessId, cancellationToken);
                await sampling.CancelAsync();
                var peak = await sampler;
                phases[configuration.Label].Add(phase);
                var before = peaks.GetValueOrDefault(configuration.Label);
                peaks[configuration.Label] = (Math.Max(before.TenantDatabases, peak.TenantDatabases), Math.Max(before.All, peak.All));
                Console.WriteLine($"  round {round + 1}  {phase}  peak connections: {peak.TenantDatabases} to tenant databases, {peak.All} in all");
            }
        }

        var manyTotal = LoadResult.Combine(many.Label, phases[many.Label]);
        var fewTotal = LoadResult.Combine(few.Label, phases[few.Label]);
        var manyPeak = peaks[many.Label];
        results.Add(Name, $"{ManyDatabases} database tenants under load: peak connections to tenant databases vs the cap",
            ResultTable.Number(manyPeak.TenantDatabases, "connections"), ResultTable.Number(cap, "(cap)"), manyPeak.TenantDatabases / (double)cap, $"≤ {cap}", manyPeak.TenantDatabases <= cap);
        results.Add(Name, $"{ManyDatabases} database tenants: all PostgreSQL connections (peak)", ResultTable.Number(manyPeak.All, "connections"),
            ResultTable.Number(peaks[few.Label].All, $"({FewDatabases} tenants)"), manyPeak.All / (double)peaks[few.Label].All);
        results.Add(Name, $"throughput, {ManyDatabases} vs {FewDatabases} database tenants (round-robin)", Rps(manyTotal), Rps(fewTotal), manyTotal.RequestsPerSecond / fewTotal.RequestsPerSecond);
        results.Add(Name, $"p99 latency, {ManyDatabases} vs {FewDatabases} database tenants", ResultTable.Ms(manyTotal.P99Ms), ResultTable.Ms(fewTotal.P99Ms), manyTotal.P99Ms / fewTotal.P99Ms);
        var errors = manyTotal.Errors + fewTotal.Errors;
        if (errors > 0)
        {
            results.Note($"{Name}: {errors} requests failed: {manyTotal.FirstError ?? fewTotal.FirstError}");
        }
    }

    /// <summary>The most connections seen at once, to tenant databases and in all, until cancelled.</summary>
    private static async Task<(int TenantDatabases, int All)> SamplePeakConnectionsAsync(BenchSystem system, CancellationToken cancellationToken)
    {
        await using var connection = await system.DataSource.OpenConnectionAsync(CancellationToken.None);
        var (tenantDatabases, all) = (0, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            await using (var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE datname LIKE 'tenant\\_%'), count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'", connection))
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
            {
                await reader.ReadAsync(CancellationToken.None);
                tenantDatabases = Math.Max(tenantDatabases, (int)reader.GetInt64(0));
                all = Math.Max(all, (int)reader.GetInt64(1));
            }

            try
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (tenantDatabases, all);
    }

    /// <summary>The same <see cref="BenchSystem.ProductsPerTenant"/> products for each tier's tenant, and 49 other tenants' rows in the shared table.</summary>
    private static async Task SeedAsync(BenchSystem system, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, (Guid Id, string? Schema, string? Database)>();
        await using (var command = system.DataSource.CreateCommand("SELECT identifier, id, schema_name, database_name FROM tenancy.tenants WHERE identifier = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Tiers.Select(Tenant).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids[reader.GetString(0)] = (reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
            }
        }

        string Insert(string schema, string tenantId) => $"""
            INSERT INTO "{schema}".products (id, tenant_id, sku, name, price)
            SELECT gen_random_uuid(), {tenantId}, 'SKU-' || lpad(g::text, 4, '0'), 'Product ' || g, (g % 50) + 0.5 FROM generate_series(1, {BenchSystem.ProductsPerTenant}) g
            """;
        var shared = ids[Tenant("shared")];
        var schema = ids[Tenant("schema")];
        await using (var seed = system.DataSource.CreateCommand(
            $"{Insert("shared", $"'{shared.Id}'")}; {Insert(schema.Schema!, $"'{schema.Id}'")}; " +
            $"INSERT INTO shared.products (id, tenant_id, sku, name, price) SELECT gen_random_uuid(), md5('neighbour' || n)::uuid, 'SKU-' || lpad(g::text, 4, '0'), 'Other ' || g, 1 " +
            $"FROM generate_series(1, 49) n, generate_series(1, {BenchSystem.ProductsPerTenant}) g; ANALYZE shared.products; ANALYZE \"{schema.Schema}\".products"))
        {
            await seed.ExecuteNonQueryAsync(cancellationToken);
        }

        var database = ids[Tenant("database")];
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(system.ConnectionString) { Database = database.Database }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var seedDatabase = new NpgsqlCommand($"{Insert(database.Schema!, $"'{database.Id}'")}; ANALYZE \"{database.Schema}\".products", connection);
        await seedDatabase.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExpectProductsAsync(HttpClient client, string identifier, int count, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(BenchSystem.ProductsRequest(identifier), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = response.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(body) : null;
        if (json?.RootElement.GetProperty("count").GetInt64() != count)
        {
            throw new InvalidOperationException($"{identifier}: GET /api/products answered {(int)response.StatusCode} {body}");
        }
    }

    private static string Tenant(string tier) => "tier-" + tier;

    private static string Rps(Measured measured) => Rps(measured.Load);

    private static string Rps(LoadResult load) => load.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture) + " req/s";
}
