using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Tenancy.Cli;
using Tenancy.IntegrationTests.Cli;
using Tenancy.Placement;

namespace Tenancy.IntegrationTests.Files;

/// <summary>The CLI's backup, restore and clone take a tenant's files along, as the services' would, when it knows the storage.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FilesCliTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Backup_restore_and_clone_through_the_cli_carry_the_files_and_the_source_keeps_its_own()
    {
        var cli = await CliRun.NewDatabaseAsync(fixture.ConnectionString);
        var environment = CliRun.Variables((CliConnections.DatabaseVariable, cli.ConnectionString), (CliConnections.FilesVariable, fixture.FilesConnectionString));
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "migrate", "--shared");
        var source = PostgresFixture.NewIdentifier("files");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "create", source, "--name", "With files");
        var storage = new BlobServiceClient(fixture.FilesConnectionString);
        var sourceContainer = storage.GetBlobContainerClient(TenantStoreNames.ToContainerName(await TenantIdAsync(cli, source)));
        await sourceContainer.CreateIfNotExistsAsync();
        await sourceContainer.GetBlobClient("products/1/image").UploadAsync(
            BinaryData.FromString("png bytes"), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/png" } });

        var file = Path.Combine(Path.GetTempPath(), $"{source}.tenant.zip");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "backup", source, "--out", file);
        var restored = PostgresFixture.NewIdentifier("restored");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "restore", file, "--as", restored);
        var clone = PostgresFixture.NewIdentifier("clone");
        await CliRun.ExpectWithAsync(ExitCodes.Ok, environment, "tenants", "clone", source, clone);
        File.Delete(file);

        foreach (var copy in new[] { restored, clone })
        {
            var blob = storage.GetBlobContainerClient(TenantStoreNames.ToContainerName(await TenantIdAsync(cli, copy))).GetBlobClient("products/1/image");
            var content = await blob.DownloadContentAsync();
            Assert.Equal(("png bytes", "image/png"), (content.Value.Content.ToString(), content.Value.Details.ContentType));
            await blob.DeleteAsync();
        }

        Assert.True(await sourceContainer.GetBlobClient("products/1/image").ExistsAsync());
    }

    private static async Task<Guid> TenantIdAsync(CliRun cli, string identifier)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cli.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id FROM tenancy.tenants WHERE identifier = $1", connection) { Parameters = { new Npgsql.NpgsqlParameter { Value = identifier } } };
        return (Guid)(await command.ExecuteScalarAsync())!;
    }
}
