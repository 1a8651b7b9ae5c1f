using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Cli;
using Tenancy.Context;
using Tenancy.Moves;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Tiers;

/// <summary>Moving a tenant between tiers: every row arrives, the old copy goes, and a failed or killed move changes nothing.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MoveTests(PostgresFixture fixture)
{
    private static readonly Dictionary<string, string?> FastMoves = new() { ["Tenancy:Moves:GraceMilliseconds"] = "20" };

    [Fact]
    public async Task Schema_to_database_to_shared_to_schema_keeps_every_row_and_removes_each_old_copy()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, FastMoves);
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Schema, "mover");
        var neighbour = await tiers.ProvisionAsync(TenantIsolation.Shared, "neighbour");
        await tiers.AddProductAsync(neighbour, "N-1", "the neighbour's");
        await tiers.SeedSalesAsync(tenant, products: 3);
        var before = await SnapshotAsync(tiers, tenant);
        var mover = tiers.Services.GetRequiredService<TenantMover>();

        var toDatabase = await mover.MoveAsync(tenant.Identifier, TenantIsolation.Database);
        tenant = await tiers.FindAsync(tenant.Identifier);
        Assert.Equal((TenantIsolation.Database, before), (tenant.Isolation, await SnapshotAsync(tiers, tenant)));
        Assert.False(await tiers.Services.SchemaExistsAsync(tenant.SchemaName!));
        Assert.Equal(3, toDatabase.Tables["products"].Rows);

        await mover.MoveAsync(tenant.Identifier, TenantIsolation.Shared);
        var databaseName = tenant.DatabaseName!;
        tenant = await tiers.FindAsync(tenant.Identifier);
        Assert.Equal((TenantIsolation.Shared, before), (tenant.Isolation, await SnapshotAsync(tiers, tenant)));
        Assert.False(await tiers.Services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", databaseName));

        await mover.MoveAsync(tenant.Identifier, TenantIsolation.Schema);
        tenant = await tiers.FindAsync(tenant.Identifier);
        Assert.Equal((TenantIsolation.Schema, before), (tenant.Isolation, await SnapshotAsync(tiers, tenant)));
        Assert.Equal(0L, await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM shared.products WHERE tenant_id = $1", tenant.Id));
        Assert.Equal(["N-1"], await tiers.SkusAsync(neighbour));
        // It can still be migrated and written as a schema tenant.
        await tiers.AddProductAsync(tenant, "AFTER", "written after the moves");
    }

    [Fact]
    public async Task While_the_copy_runs_reads_are_served_and_writes_are_refused()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, FastMoves);
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Shared, "busy");
        await tiers.AddProductAsync(tenant, "B-1", "before");
        List<string>? readDuringCopy = null;
        Exception? writeDuringCopy = null;

        await tiers.Services.GetRequiredService<TenantMover>().MoveAsync(tenant.Identifier, TenantIsolation.Database, progress: new Stages(stage =>
        {
            if (stage == TenantMoveStage.Copying)
            {
                readDuringCopy = tiers.SkusAsync(tenant).GetAwaiter().GetResult();
                writeDuringCopy = Record.Exception(() => tiers.AddProductAsync(tenant, "B-2", "during").GetAwaiter().GetResult());
            }
        }));

        Assert.Equal(["B-1"], readDuringCopy);
        Assert.IsType<TenantMovingException>(writeDuringCopy);
        var moved = await tiers.FindAsync(tenant.Identifier);
        Assert.Equal(["B-1"], await tiers.SkusAsync(moved));
        // A request that began before the switch cannot write to the copy that is gone.
        await Assert.ThrowsAsync<TenantMovingException>(() => tiers.AddProductAsync(tenant, "STALE", "old placement"));
        await tiers.AddProductAsync(moved, "B-3", "after");
    }

    [Fact]
    public async Task A_failed_move_leaves_the_tenant_on_its_tier_untouched_and_writable()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, new Dictionary<string, string?>(FastMoves)
        {
            ["Tenancy:Connections:unreachable"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=nowhere;Timeout=2",
        });
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Schema, "stays");
        await tiers.SeedSalesAsync(tenant, products: 3);
        var before = await SnapshotAsync(tiers, tenant);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => tiers.Services.GetRequiredService<TenantMover>().MoveAsync(tenant.Identifier, TenantIsolation.Database, "unreachable"));

        var after = await tiers.FindAsync(tenant.Identifier);
        Assert.Equal((TenantIsolation.Schema, tenant.SchemaName, (DateTimeOffset?)null), (after.Isolation, after.SchemaName, after.WritesFrozenUntil));
        Assert.Equal(before, await SnapshotAsync(tiers, after));
        await tiers.AddProductAsync(after, "STILL", "writable");
    }

    [Fact]
    public async Task Moves_that_make_no_sense_are_refused_before_anything_changes()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, FastMoves);
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Schema);
        var mover = tiers.Services.GetRequiredService<TenantMover>();

        await Assert.ThrowsAsync<Tenants.TenantStateException>(() => mover.MoveAsync(tenant.Identifier, TenantIsolation.Schema));
        await Assert.ThrowsAsync<TenantNotFoundException>(() => mover.MoveAsync("nobody-here", TenantIsolation.Shared));
        await Assert.ThrowsAsync<Tenancy.Tenants.TenantValidationException>(() => mover.MoveAsync(tenant.Identifier, TenantIsolation.Shared, "anything"));
        Assert.Equal(TenantIsolation.Schema, (await tiers.FindAsync(tenant.Identifier)).Isolation);
    }

    [Fact]
    public async Task A_move_killed_half_way_leaves_the_tenant_serving_from_its_old_tier_and_a_retry_completes()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, FastMoves);
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Schema, "killed");
        await tiers.Services.ExecuteAsync(
            $"INSERT INTO {tenant.SchemaName}.products (id, tenant_id, sku, name, price) SELECT gen_random_uuid(), '{tenant.Id}', 'P-' || i, 'product ' || i, i FROM generate_series(1, 300000) i");

        using var cli = StartCli(tiers, "tenants", "move", tenant.Identifier, "--to", "database");
        // Kill it (SIGKILL: no cleanup runs) once it is copying rows.
        var stages = new List<string>();
        while (stages.LastOrDefault() != MoveCommand.Describe(TenantMoveStage.Copying) && await cli.StandardOutput.ReadLineAsync() is { } line)
        {
            stages.Add(line);
        }

        cli.Kill();
        await cli.WaitForExitAsync();
        Assert.Equal(["freezing writes", "preparing the target", "copying rows"], stages);
        Assert.NotEqual(0, cli.ExitCode);
        await Assert.ThrowsAsync<TenantMovingException>(() => tiers.AddProductAsync(tenant, "DURING", "frozen"));

        var after = await tiers.FindAsync(tenant.Identifier);
        Assert.Equal((TenantIsolation.Schema, tenant.SchemaName, (string?)null), (after.Isolation, after.SchemaName, after.DatabaseName));
        Assert.Equal(300000L, await tiers.Services.ScalarAsync<long>($"SELECT count(*) FROM {tenant.SchemaName}.products"));
        Assert.Equal(300000, await CountProductsAsync(tiers, after));
        // Writes are refused until the dead move's freeze lapses (2 s here), then go to the old tier.
        await Eventually.TrueAsync(async () => Record.Exception(() => tiers.AddProductAsync(after, "AFTER-KILL", "x").GetAwaiter().GetResult()) is null, timeoutSeconds: 10);

        var retried = await tiers.Services.GetRequiredService<TenantMover>().MoveAsync(tenant.Identifier, TenantIsolation.Database);
        Assert.Equal(300001, retried.Tables["products"].Rows);
        Assert.Equal(300001, await CountProductsAsync(tiers, await tiers.FindAsync(tenant.Identifier)));
    }

    private static Process StartCli(TierDatabase tiers, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tenancy.Cli.dll"));
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["ConnectionStrings__tenancydb"] = tiers.OwnerConnectionString;
        start.Environment["ConnectionStrings__tenancydb-app"] = tiers.ApplicationConnectionString;
        start.Environment["Tenancy__Moves__FreezeSeconds"] = "2";
        start.Environment["Tenancy__Moves__GraceMilliseconds"] = "0";
        return Process.Start(start)!;
    }

    /// <summary>What the tenant's own code sees, as text: products, customers, locations, orders and lines.</summary>
    private static Task<string> SnapshotAsync(TierDatabase tiers, TenantInfo tenant) => tiers.InTenantAsync(tenant, async db =>
    {
        var products = await db.Products.OrderBy(p => p.Id).Select(p => $"{p.Id} {p.Sku} {p.Name} {p.Price}").ToListAsync();
        var customers = await db.Customers.OrderBy(c => c.Id).Select(c => $"{c.Id} {c.Name} {c.Email}").ToListAsync();
        var locations = await db.Locations.OrderBy(l => l.Id).Select(l => $"{l.Id} {l.Code}").ToListAsync();
        var orders = await db.Orders.Include(o => o.Lines).OrderBy(o => o.Id).ToListAsync();
        return string.Join("\n", [.. products, .. customers, .. locations,
            .. orders.Select(o => $"{o.Id} {o.CustomerId} {o.LocationId} {o.Total} {o.CreatedAt:O} [{string.Join(",", o.Lines.OrderBy(l => l.Id).Select(l => $"{l.ProductId}x{l.Quantity}={l.LineTotal}"))}]")]);
    });

    private static Task<int> CountProductsAsync(TierDatabase tiers, TenantInfo tenant) =>
        tiers.InTenantAsync(tenant, db => db.Products.CountAsync());

    private sealed class Stages(Action<TenantMoveStage> report) : IProgress<TenantMoveStage>
    {
        public void Report(TenantMoveStage value) => report(value);
    }
}
