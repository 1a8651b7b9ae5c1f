using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Backup;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Tiers;

/// <summary>Backup, restore and clone: the new tenant holds exactly the source's rows, under its own id, on any tier.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BackupTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(TenantIsolation.Shared, TenantIsolation.Database)]
    [InlineData(TenantIsolation.Schema, TenantIsolation.Shared)]
    [InlineData(TenantIsolation.Database, TenantIsolation.Schema)]
    public async Task Backup_then_restore_into_a_new_tenant_reproduces_the_data_exactly(TenantIsolation from, TenantIsolation to)
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var source = await tiers.ProvisionAsync(from, "source");
        var neighbour = await tiers.ProvisionAsync(from, "neighbour");
        await tiers.SeedSalesAsync(source, products: 4);
        await tiers.AddProductAsync(neighbour, "N-1", "not in the backup");
        var backups = tiers.Services.GetRequiredService<TenantBackupService>();
        using var archive = new MemoryStream();

        var manifest = await backups.BackupAsync(source.Identifier, archive);
        archive.Position = 0;
        var restored = await backups.RestoreAsync(archive, new NewTenant(PostgresFixture.NewIdentifier("restored"), "Restored", Isolation: to));

        var restoredInfo = await tiers.FindAsync(restored.Identifier);
        Assert.Equal(to, restoredInfo.Isolation);
        Assert.Equal(await SnapshotAsync(tiers, source), await SnapshotAsync(tiers, restoredInfo));
        Assert.Empty((await ProductIdsAsync(tiers, source)).Intersect(await ProductIdsAsync(tiers, restoredInfo)));
        Assert.Equal(4, manifest.Tables.Single(t => t.Name == "products").Rows);
        // The restored rows are the new tenant's, not the source's: the source is unchanged and still alone in its rows.
        Assert.Equal(["N-1"], await tiers.SkusAsync(neighbour));
        Assert.Equal(4, (await tiers.SkusAsync(source)).Count);
    }

    [Fact]
    public async Task Clone_copies_a_tenant_under_a_new_identifier_and_the_two_stay_apart()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var source = await tiers.ProvisionAsync(TenantIsolation.Shared, "template");
        await tiers.SeedSalesAsync(source, products: 4);

        var clone = await tiers.Services.GetRequiredService<TenantBackupService>().CloneAsync(source.Identifier, PostgresFixture.NewIdentifier("clone"));
        var cloneInfo = await tiers.FindAsync(clone.Identifier);
        Assert.Equal(await SnapshotAsync(tiers, source), await SnapshotAsync(tiers, cloneInfo));

        await tiers.AddProductAsync(cloneInfo, "ONLY-CLONE", "x");
        Assert.DoesNotContain("ONLY-CLONE", await tiers.SkusAsync(source));
        Assert.Equal(TenantIsolation.Shared, cloneInfo.Isolation);
    }

    [Fact]
    public async Task A_damaged_or_foreign_archive_is_refused_and_leaves_no_tenant()
    {
        var tiers = await TierDatabase.CreateAsync(fixture);
        var backups = tiers.Services.GetRequiredService<TenantBackupService>();
        var identifier = PostgresFixture.NewIdentifier("bad");

        using var notAnArchive = new MemoryStream("hello"u8.ToArray());
        await Assert.ThrowsAnyAsync<Exception>(() => backups.RestoreAsync(notAnArchive, new NewTenant(identifier, "Bad")));

        // A manifest that promises rows the archive does not hold: the load fails verification, the new tenant is removed.
        var source = await tiers.ProvisionAsync(TenantIsolation.Schema);
        await tiers.SeedSalesAsync(source, products: 4);
        using var archive = new MemoryStream();
        await backups.BackupAsync(source.Identifier, archive);
        using var tampered = Tamper(archive);
        await Assert.ThrowsAsync<Moves.TenantCopyVerificationException>(() => backups.RestoreAsync(tampered, new NewTenant(identifier, "Bad")));

        Assert.False(await tiers.Services.TenantRowExistsAsync(identifier));
        Assert.False(await tiers.Services.SchemaExistsAsync(TenantStoreNames.ToSchemaName(identifier)));
    }

    private static MemoryStream Tamper(MemoryStream archive)
    {
        var copy = new MemoryStream();
        archive.Position = 0;
        archive.CopyTo(copy);
        using (var zip = new System.IO.Compression.ZipArchive(copy, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry(TenantArchiveManifest.EntryName)!;
            string text;
            using (var reader = new StreamReader(entry.Open()))
            {
                text = reader.ReadToEnd();
            }

            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(TenantArchiveManifest.EntryName).Open());
            writer.Write(text.Replace("\"rows\": 4", "\"rows\": 5", StringComparison.Ordinal));
        }

        copy.Position = 0;
        return copy;
    }

    /// <summary>
    /// Every row the tenant sees, by content: a restore or clone gives rows new ids (and the new tenant's id), so
    /// references are followed to what they name (an order's customer by name, a line's product by SKU).
    /// </summary>
    private static Task<string> SnapshotAsync(TierDatabase tiers, TenantInfo tenant) => tiers.InTenantAsync(tenant, async db =>
    {
        var products = await db.Products.ToDictionaryAsync(p => p.Id);
        var customers = await db.Customers.ToDictionaryAsync(c => c.Id);
        var locations = await db.Locations.ToDictionaryAsync(l => l.Id);
        var orders = await db.Orders.Include(o => o.Lines).ToListAsync();
        return string.Join("\n", [
            .. products.Values.Select(p => $"{p.Sku} {p.Name} {p.Price}").Order(),
            .. customers.Values.Select(c => $"{c.Name} {c.Email}").Order(),
            .. locations.Values.Select(l => $"{l.Code} {l.Name} {l.Address}").Order(),
            .. orders.Select(o => $"{customers[o.CustomerId].Name} @{locations[o.LocationId].Code} {o.Total} {o.CreatedAt.UtcDateTime:O} " +
                                  $"[{string.Join(",", o.Lines.Select(l => $"{products[l.ProductId].Sku}x{l.Quantity}={l.LineTotal}").Order())}]").Order()]);
    });

    private static async Task<HashSet<Guid>> ProductIdsAsync(TierDatabase tiers, TenantInfo tenant) =>
        [.. await tiers.InTenantAsync(tenant, db => db.Products.Select(p => p.Id).ToListAsync())];
}
