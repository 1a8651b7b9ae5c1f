using System.Diagnostics;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Migrations;

namespace Tenancy.Benchmarks;

/// <summary>
/// (c) Migrations: one new migration (an added column) over N tenant schemas with <see cref="TenantMigrationRunner"/>
/// at parallelism 4 and 8, and a no-op <see cref="TenantMigrationRunner.CheckAsync"/>; the baseline is a naive loop
/// doing the same per schema, one new connection per schema, sequentially.
/// </summary>
internal static class MigrationBenchmark
{
    private const string Name = "(c) migrations";
    private const int CheckRepeats = 5;

    public static async Task RunAsync(BenchSystem system, BenchOptions options, ResultTable results, CancellationToken cancellationToken)
    {
        var identifiers = await system.EnsureBenchTenantsAsync(options.Tenants, cancellationToken);
        var schemas = (await system.SchemasAsync(identifiers, cancellationToken)).Select(t => t.Schema).ToList();
        Console.WriteLine($"{Name}: one added column over {schemas.Count} tenant schemas");

        // "One connection per schema": a new physical connection each time, as a script looping over psql would have.
        var unpooled = new NpgsqlConnectionStringBuilder(system.ConnectionString) { Pooling = false }.ConnectionString;

        var naive = await TimeAsync(() => NaiveLoopAsync(unpooled, schemas, s => $"ALTER TABLE \"{s}\".products ADD COLUMN bench_naive text", cancellationToken));
        Console.WriteLine($"  naive loop, new connection per schema, sequential: {naive.TotalSeconds:F2} s");

        var catalog = system.Services.GetRequiredService<TenantMigrationCatalog>();
        var p4Script = Script("29990101000004_BenchNoteP4", "bench_note_p4");
        var p8Script = Script("29990101000008_BenchNoteP8", "bench_note_p8");
        // The container's runner with one (then one more) migration appended; its other dependencies come from the container.
        var runner4 = ActivatorUtilities.CreateInstance<TenantMigrationRunner>(system.Services, catalog.With(p4Script));
        var runner8 = ActivatorUtilities.CreateInstance<TenantMigrationRunner>(system.Services, catalog.With(p4Script, p8Script));

        var p4 = await MigrateAsync(runner4, identifiers, 4, cancellationToken);
        var p8 = await MigrateAsync(runner8, identifiers, 8, cancellationToken);

        var naivePooled = await TimeAsync(() => NaivePooledLoopAsync(system.DataSource, schemas, cancellationToken));
        Console.WriteLine($"  naive loop, pooled connection, sequential (reference): {naivePooled.TotalSeconds:F2} s");

        var columns = await CountColumnsAsync(system, schemas, ["bench_naive", "bench_note_p4", "bench_note_p8", "bench_naive_pooled"], cancellationToken);
        if (columns != 4L * schemas.Count)
        {
            throw new InvalidOperationException($"expected {4 * schemas.Count} added columns, found {columns}");
        }

        // No-op: everything is applied. CheckAsync is the one catalogue query a deploy runs first.
        var checks = new List<TimeSpan>();
        for (var i = 0; i < CheckRepeats; i++)
        {
            IReadOnlyList<TenantMigrationState> states = [];
            checks.Add(await TimeAsync(async () => states = await runner8.CheckAsync(identifiers, cancellationToken)));
            if (states.Count != identifiers.Count || states.Any(s => s.Pending.Count > 0))
            {
                throw new InvalidOperationException("CheckAsync found pending migrations after migrating");
            }
        }

        var noopMigrate = new List<TimeSpan>();
        for (var i = 0; i < CheckRepeats; i++)
        {
            noopMigrate.Add(await TimeAsync(() => runner8.MigrateTenantsAsync(identifiers, 8, cancellationToken: cancellationToken)));
        }

        var check = Median(checks);
        var noop = Median(noopMigrate);
        Console.WriteLine($"  no-op CheckAsync: median {check.TotalMilliseconds:F1} ms of {CheckRepeats}; no-op MigrateTenantsAsync: median {noop.TotalMilliseconds:F1} ms");

        // The naive check: ask each schema whether the last migration's column is there, one new connection each.
        var naiveCheck = await TimeAsync(() => NaiveLoopAsync(
            unpooled,
            schemas,
            s => $"SELECT 1 FROM pg_attribute WHERE attrelid = '\"{s}\".products'::regclass AND attname = 'bench_note_p8' AND NOT attisdropped",
            cancellationToken));
        Console.WriteLine($"  naive check loop, new connection per schema: {naiveCheck.TotalSeconds:F2} s");

        var n = schemas.Count;
        results.Add(Name, $"1 migration × {n} schemas, parallelism 4", ResultTable.Seconds(p4), ResultTable.Seconds(naive) + " naive", p4 / naive, "≤ 10 s", p4.TotalSeconds <= 10);
        results.Add(Name, $"1 migration × {n} schemas, parallelism 8", ResultTable.Seconds(p8), ResultTable.Seconds(naive) + " naive", p8 / naive, "≤ 10 s", p8.TotalSeconds <= 10);
        results.Add(Name, $"reference: naive loop on one pooled connection", ResultTable.Seconds(naivePooled), ResultTable.Seconds(naive) + " naive", naivePooled / naive);
        results.Add(Name, $"no-op CheckAsync over {n} tenants (median of {CheckRepeats})", ResultTable.Ms(check.TotalMilliseconds), ResultTable.Seconds(naiveCheck) + " naive check", check / naiveCheck, "≤ 1 s", check.TotalSeconds <= 1);
        results.Add(Name, $"reference: no-op MigrateTenantsAsync (median of {CheckRepeats})", ResultTable.Ms(noop.TotalMilliseconds), ResultTable.Seconds(naiveCheck) + " naive check", noop / naiveCheck);
    }

    private static TenantMigrationScript Script(string id, string column) =>
        new(id, $"ALTER TABLE \"{TenantSchema.Placeholder}\".products ADD COLUMN {column} text;");

    private static async Task<TimeSpan> MigrateAsync(TenantMigrationRunner runner, IReadOnlyList<string> identifiers, int parallelism, CancellationToken cancellationToken)
    {
        IReadOnlyList<TenantMigrationResult> outcome = [];
        var elapsed = await TimeAsync(async () => outcome = await runner.MigrateTenantsAsync(identifiers, parallelism, cancellationToken: cancellationToken));
        var migrated = outcome.Count(r => r.Outcome == TenantMigrationOutcome.Migrated && r.Applied.Count == 1);
        if (migrated != identifiers.Count)
        {
            var failed = outcome.FirstOrDefault(r => r.Outcome == TenantMigrationOutcome.Failed);
            throw new InvalidOperationException($"parallelism {parallelism}: {migrated} of {identifiers.Count} tenants migrated{(failed is null ? "" : $"; {failed.Identifier}: {failed.Error}")}");
        }

        var perTenant = new Percentiles(outcome.Select(r => r.Elapsed.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond));
        Console.WriteLine($"  TenantMigrationRunner, parallelism {parallelism}: {elapsed.TotalSeconds:F2} s ({migrated} migrated; per tenant p50 {perTenant.Ms(50):F1} ms, p95 {perTenant.Ms(95):F1} ms)");
        return elapsed;
    }

    private static async Task NaiveLoopAsync(string connectionString, IReadOnlyList<string> schemas, Func<string, string> sql, CancellationToken cancellationToken)
    {
        foreach (var schema in schemas)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql(schema), connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task NaivePooledLoopAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> schemas, CancellationToken cancellationToken)
    {
        foreach (var schema in schemas)
        {
            await using var command = dataSource.CreateCommand($"ALTER TABLE \"{schema}\".products ADD COLUMN bench_naive_pooled text");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<long> CountColumnsAsync(BenchSystem system, IReadOnlyList<string> schemas, string[] columns, CancellationToken cancellationToken)
    {
        await using var command = system.DataSource.CreateCommand("""
            SELECT count(*) FROM information_schema.columns
            WHERE table_name = 'products' AND table_schema = ANY($1) AND column_name = ANY($2)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = schemas.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = columns });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var started = Stopwatch.GetTimestamp();
        await work();
        return Stopwatch.GetElapsedTime(started);
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
