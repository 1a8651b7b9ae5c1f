using System.Net;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Backup;
using Tenancy.Context;
using Tenancy.Deletion;
using Tenancy.Files;
using Tenancy.IntegrationTests.Tiers;
using Tenancy.Moves;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Files;

/// <summary>
/// Tenant files on a real Azurite (the AppHost's own resource): each tenant reads, lists and links only its own
/// container, refused uploads store nothing, and the files follow the tenant through deletion, backup, clone and moves.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantFilesTests(PostgresFixture fixture)
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task A_tenant_uploads_downloads_lists_and_deletes_its_own_files_and_sees_none_of_a_neighbours()
    {
        var tiers = await CreateAsync();
        var (a, b) = (await tiers.ProvisionAsync(TenantIsolation.Shared, "a"), await tiers.ProvisionAsync(TenantIsolation.Shared, "b"));
        await UploadAsync(tiers, a, "docs/readme.txt", "A's readme");
        await UploadAsync(tiers, a, "docs/notes.txt", "A's notes");
        await UploadAsync(tiers, a, "logo.png", "A's logo", "image/png");
        await UploadAsync(tiers, b, "docs/readme.txt", "B's readme");

        Assert.Equal("A's readme", await ReadAsync(tiers, a, "docs/readme.txt"));
        Assert.Equal("B's readme", await ReadAsync(tiers, b, "docs/readme.txt"));
        Assert.Null(await ReadAsync(tiers, b, "logo.png"));
        var page = await InTenantAsync(tiers, a, files => files.ListAsync("docs/", 1, null));
        Assert.Equal(["docs/notes.txt"], page.Files.Select(f => f.Name));
        var next = await InTenantAsync(tiers, a, files => files.ListAsync("docs/", 1, page.ContinuationToken));
        Assert.Equal(["docs/readme.txt"], next.Files.Select(f => f.Name));
        Assert.Equal(["docs/readme.txt"], (await InTenantAsync(tiers, b, files => files.ListAsync(null, 100, null))).Files.Select(f => f.Name));

        Assert.False(await InTenantAsync(tiers, b, files => files.DeleteAsync("logo.png")));
        Assert.True(await InTenantAsync(tiers, a, files => files.DeleteAsync("logo.png")));
        Assert.Null(await ReadAsync(tiers, a, "logo.png"));
        Assert.Equal("B's readme", await ReadAsync(tiers, b, "docs/readme.txt"));
        var usage = await InTenantAsync(tiers, a, files => files.UsageAsync());
        Assert.Equal((2, "A's readmeA's notes".Length), (usage.Files, usage.UsedBytes));
    }

    [Theory]
    [InlineData("../t-00000000000000000000000000000001/x")]
    [InlineData("/logo.png")]
    [InlineData("%2e%2e/logo.png")]
    [InlineData("a%2Flogo.png")]
    [InlineData("..\\logo.png")]
    public async Task A_name_that_tries_to_leave_the_container_is_refused_before_storage_is_called(string name)
    {
        var tiers = await CreateAsync();
        var a = await tiers.ProvisionAsync(TenantIsolation.Shared, "a");

        await Assert.ThrowsAsync<FileNameException>(() => UploadAsync(tiers, a, name, "x"));
        await Assert.ThrowsAsync<FileNameException>(() => ReadAsync(tiers, a, name));
        await Assert.ThrowsAsync<FileNameException>(() => InTenantAsync(tiers, a, files => files.CreateLinkAsync(name)));
        Assert.Empty((await InTenantAsync(tiers, a, files => files.ListAsync(null, 100, null))).Files);
    }

    [Fact]
    public async Task A_link_reads_its_one_file_and_nothing_else_and_not_after_it_expires()
    {
        var tiers = await CreateAsync();
        var (a, b) = (await tiers.ProvisionAsync(TenantIsolation.Shared, "a"), await tiers.ProvisionAsync(TenantIsolation.Shared, "b"));
        await UploadAsync(tiers, a, "secret.txt", "A's secret");
        await UploadAsync(tiers, a, "other.txt", "A's other");
        await UploadAsync(tiers, b, "secret.txt", "B's secret");

        var link = (await InTenantAsync(tiers, a, files => files.CreateLinkAsync("secret.txt")))!;
        Assert.Equal("A's secret", await Http.GetStringAsync(link.Url));
        Assert.Null(await InTenantAsync(tiers, b, files => files.CreateLinkAsync("missing.txt")));

        // The signature covers the container and the blob: pointed anywhere else, storage refuses it.
        var toOtherBlob = link.Url.ToString().Replace("/secret.txt?", "/other.txt?", StringComparison.Ordinal);
        var toNeighbour = link.Url.ToString().Replace(TenantStoreNames.ToContainerName(a.Id), TenantStoreNames.ToContainerName(b.Id), StringComparison.Ordinal);
        var writing = new HttpRequestMessage(HttpMethod.Put, link.Url) { Content = new StringContent("overwritten") };
        writing.Headers.Add("x-ms-blob-type", "BlockBlob");
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.GetAsync(toOtherBlob)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.GetAsync(toNeighbour)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.SendAsync(writing)).StatusCode);
        Assert.Equal("A's secret", await ReadAsync(tiers, a, "secret.txt"));

        var store = tiers.Services.GetRequiredService<TenantFileStore>();
        var expired = await store.SignReadAsync(store.BlobOf(a.Id, "secret.txt"), DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.GetAsync(expired)).StatusCode);
    }

    [Fact]
    public async Task Uploads_past_the_type_size_or_plan_quota_are_refused_and_store_nothing()
    {
        // The trial plan allows 5 MiB of files (file-storage-mb), an upload at most 3 MiB here.
        var tiers = await CreateAsync(new Dictionary<string, string?> { ["Tenancy:Files:MaxUploadBytes"] = $"{3 * 1024 * 1024}" });
        var tenant = await tiers.Services.GetRequiredService<TenantProvisioner>().ProvisionAsync(new NewTenant(PostgresFixture.NewIdentifier("quota"), "Quota", Plan: "trial"));
        var trial = await tiers.FindAsync(tenant.Identifier);
        var threeMegabytes = new string('x', 3 * 1024 * 1024);

        await UploadAsync(tiers, trial, "first.txt", threeMegabytes);
        var quota = await Assert.ThrowsAsync<FileQuotaExceededException>(() => UploadAsync(tiers, trial, "second.txt", threeMegabytes));
        await Assert.ThrowsAsync<FileTooLargeException>(() => UploadAsync(tiers, trial, "big.txt", threeMegabytes + "x"));
        await Assert.ThrowsAsync<FileTypeNotAllowedException>(() => UploadAsync(tiers, trial, "page.html", "<p>", "text/html"));
        // Replacing a file frees its own bytes.
        await UploadAsync(tiers, trial, "first.txt", threeMegabytes[..(2 * 1024 * 1024)]);

        Assert.Equal(FileQuota.StorageLimit, quota.Limit);
        Assert.Equal(5L * 1024 * 1024, quota.MaxBytes);
        Assert.Equal(["first.txt"], (await InTenantAsync(tiers, trial, files => files.ListAsync(null, 100, null))).Files.Select(f => f.Name));
    }

    [Fact]
    public async Task A_deleted_tenants_container_is_gone_after_its_data_is_dropped_and_its_neighbours_stays()
    {
        var tiers = await CreateAsync();
        var (a, b) = (await tiers.ProvisionAsync(TenantIsolation.Schema, "a"), await tiers.ProvisionAsync(TenantIsolation.Schema, "b"));
        await UploadAsync(tiers, a, "a.txt", "A");
        await UploadAsync(tiers, b, "b.txt", "B");

        await using (var scope = tiers.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TenantRegistry>().DeleteAsync(a.Identifier);
        }

        Assert.Contains(a.Identifier, await tiers.Services.GetRequiredService<TenantDataReaper>().DropDeletedTenantsAsync());
        Assert.False(await Container(a.Id).ExistsAsync());
        Assert.Equal("B", await ReadAsync(tiers, b, "b.txt"));
    }

    [Fact]
    public async Task A_clone_and_a_restore_get_copies_of_the_files_and_the_source_keeps_its_own()
    {
        var tiers = await CreateAsync();
        var source = await tiers.ProvisionAsync(TenantIsolation.Shared, "source");
        await UploadAsync(tiers, source, "products/1/image", "png bytes", "image/png");
        var backups = tiers.Services.GetRequiredService<TenantBackupService>();

        var clone = await tiers.FindAsync((await backups.CloneAsync(source.Identifier, PostgresFixture.NewIdentifier("clone"))).Identifier);
        using var archive = new MemoryStream();
        await backups.BackupAsync(source.Identifier, archive);
        archive.Position = 0;
        var restored = await tiers.FindAsync((await backups.RestoreAsync(archive, new NewTenant(PostgresFixture.NewIdentifier("restored"), "Restored", Isolation: TenantIsolation.Database))).Identifier);

        foreach (var copy in new[] { clone, restored })
        {
            Assert.Equal("png bytes", await ReadAsync(tiers, copy, "products/1/image"));
            Assert.Equal("image/png", (await InTenantAsync(tiers, copy, files => files.OpenReadAsync("products/1/image")))!.ContentType);
        }

        await UploadAsync(tiers, clone, "products/1/image", "changed in the clone", "image/png");
        Assert.True(await InTenantAsync(tiers, restored, files => files.DeleteAsync("products/1/image")));
        Assert.Equal("png bytes", await ReadAsync(tiers, source, "products/1/image"));
    }

    [Fact]
    public async Task A_move_between_tiers_leaves_the_files_where_they_are()
    {
        var tiers = await CreateAsync();
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Shared, "mover");
        await UploadAsync(tiers, tenant, "kept.txt", "still here");

        await tiers.Services.GetRequiredService<TenantMover>().MoveAsync(tenant.Identifier, TenantIsolation.Database);
        var moved = await tiers.FindAsync(tenant.Identifier);

        Assert.Equal((TenantIsolation.Database, tenant.Id), (moved.Isolation, moved.Id));
        Assert.Equal("still here", await ReadAsync(tiers, moved, "kept.txt"));
        Assert.True(await Container(tenant.Id).ExistsAsync());
    }

    private Task<TierDatabase> CreateAsync(Dictionary<string, string?>? settings = null) =>
        TierDatabase.CreateAsync(
            fixture,
            new Dictionary<string, string?>(settings ?? []) { ["ConnectionStrings:files"] = fixture.FilesConnectionString },
            tenancy => tenancy.WithFiles("files"));

    private BlobContainerClient Container(Guid tenantId) =>
        new BlobServiceClient(fixture.FilesConnectionString).GetBlobContainerClient(TenantStoreNames.ToContainerName(tenantId));

    private static async Task<T> InTenantAsync<T>(TierDatabase tiers, TenantInfo tenant, Func<TenantFiles, Task<T>> work)
    {
        await using var scope = tiers.Services.GetRequiredService<TenantScopeFactory>().BeginScope(tenant);
        return await work(tiers.Services.GetRequiredService<TenantFiles>());
    }

    private static Task<TenantFile> UploadAsync(TierDatabase tiers, TenantInfo tenant, string name, string text, string contentType = "text/plain")
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return InTenantAsync(tiers, tenant, files => files.UploadAsync(name, contentType, bytes.Length, new MemoryStream(bytes)));
    }

    private static Task<string?> ReadAsync(TierDatabase tiers, TenantInfo tenant, string name) => InTenantAsync(tiers, tenant, async files =>
    {
        if (await files.OpenReadAsync(name) is not { } file)
        {
            return null;
        }

        await using var content = file.Content;
        return await new StreamReader(content).ReadToEndAsync();
    });
}
