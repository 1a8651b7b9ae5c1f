using System.Data;
using System.IO.Compression;
using System.Text.Json;
using Npgsql;
using Tenancy.Context;
using Tenancy.Isolation;
using Tenancy.Lifecycle;
using Tenancy.Migrations;
using Tenancy.Moves;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.Backup;

/// <summary>
/// Backup, restore and clone of one tenant, whatever its tier. One format for every tier: the tenant's rows of each
/// table (binary COPY, filtered by tenant_id, from one REPEATABLE READ snapshot) in a zip with a manifest. Unlike
/// pg_dump it can take one tenant's rows out of the shared tables, and restore them as a new tenant (new id, new
/// schema or database, any tier): rows are staged in temporary tables, given new ids and the new tenant's id, then inserted.
/// A restore or clone provisions the new tenant, loads every table in ONE transaction and checks counts and
/// checksums against the source before committing; if anything fails the new tenant is removed again. What the tenant
/// keeps outside PostgreSQL (<see cref="ITenantExternalStore"/>: its files) goes into the archive and the copy too.
/// </summary>
public sealed class TenantBackupService(
    TenantRegistry registry,
    TenantLookup lookup,
    TenantProvisioner provisioner,
    TenantStoreConnections stores,
    TenantStoreBuilder storeBuilder,
    TenantMigrationCatalog catalog,
    TimeProvider clock,
    IEnumerable<ITenantExternalStore> externalStores)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>Writes the tenant's archive to <paramref name="output"/> (which need not be seekable).</summary>
    public async Task<TenantArchiveManifest> BackupAsync(string identifier, Stream output, CancellationToken cancellationToken = default)
    {
        var tenant = await FindAsync(identifier, cancellationToken);
        await using var source = await TenantMover.OpenAsync(TenantStoreLocation.Of(tenant, stores), tenant.Id, cancellationToken, IsolationLevel.RepeatableRead);
        var schema = TenantStoreNames.SchemaOf(tenant);
        var tables = await TenantTables.InDependencyOrderAsync(source.Connection, schema, source.Transaction, cancellationToken);
        var sums = await TenantRowCopier.ChecksumAsync(source.Connection, schema, tables, tenant.Id, cancellationToken);
        var manifest = new TenantArchiveManifest(
            TenantArchiveManifest.CurrentFormat, tenant.Id, tenant.Identifier, tenant.Isolation, [.. catalog.Migrations.Select(m => m.Id)],
            [.. tables.Select(t => new TenantArchiveTable(t, sums[t].Rows, sums[t].Md5))], clock.GetUtcNow());

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var table in tables)
        {
            await using var entry = await zip.CreateEntry(TenantArchiveManifest.TableEntry(table), CompressionLevel.Fastest).OpenAsync(cancellationToken);
            await using var export = await BeginExportAsync(source.Connection, schema, table, tenant.Id, cancellationToken);
            await export.CopyToAsync(entry, cancellationToken);
        }

        // What the tenant keeps outside PostgreSQL (its files): read after the rows, so a file the rows name is there.
        foreach (var external in externalStores)
        {
            await external.ExportAsync(tenant.Id, zip, cancellationToken);
        }

        await using (var entry = await zip.CreateEntry(TenantArchiveManifest.EntryName).OpenAsync(cancellationToken))
        {
            await JsonSerializer.SerializeAsync(entry, manifest, Json, cancellationToken);
        }

        return manifest;
    }

    /// <summary>Creates <paramref name="request"/> as a new tenant holding the archive's rows.</summary>
    public async Task<Tenant> RestoreAsync(Stream archive, NewTenant request, CancellationToken cancellationToken = default)
    {
        using var zip = new ZipArchive(archive, ZipArchiveMode.Read, leaveOpen: true);
        var manifest = await ReadManifestAsync(zip, cancellationToken);
        return await CreateWithRowsAsync(
            request,
            manifest.Tables,
            manifest.TenantId,
            (table, target, ct) => ImportEntryAsync(zip, table, target, ct),
            async (tenantId, ct) =>
            {
                foreach (var external in externalStores)
                {
                    await external.ImportAsync(zip, tenantId, ct);
                }
            },
            cancellationToken);
    }

    /// <summary>A new tenant <paramref name="newIdentifier"/> with a copy of <paramref name="sourceIdentifier"/>'s data (on the source's tier unless given).</summary>
    public async Task<Tenant> CloneAsync(string sourceIdentifier, string newIdentifier, TenantIsolation? isolation = null, CancellationToken cancellationToken = default)
    {
        var tenant = await FindAsync(sourceIdentifier, cancellationToken);
        await using var source = await TenantMover.OpenAsync(TenantStoreLocation.Of(tenant, stores), tenant.Id, cancellationToken, IsolationLevel.RepeatableRead);
        var schema = TenantStoreNames.SchemaOf(tenant);
        var tables = await TenantTables.InDependencyOrderAsync(source.Connection, schema, source.Transaction, cancellationToken);
        var sums = await TenantRowCopier.ChecksumAsync(source.Connection, schema, tables, tenant.Id, cancellationToken);
        var request = new NewTenant(newIdentifier, $"{tenant.Name} (clone)", tenant.Plan, isolation ?? tenant.Isolation, ConnectionReference: isolation is null ? tenant.ConnectionReference : null);
        return await CreateWithRowsAsync(
            request,
            [.. tables.Select(t => new TenantArchiveTable(t, sums[t].Rows, sums[t].Md5))],
            tenant.Id,
            async (table, target, ct) =>
            {
                await using var export = await BeginExportAsync(source.Connection, schema, table.Name, tenant.Id, ct);
                await StageAsync(target, table.Name, export, ct);
            },
            async (tenantId, ct) =>
            {
                foreach (var external in externalStores)
                {
                    await external.CopyAsync(tenant.Id, tenantId, ct);
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Provisions <paramref name="request"/>, stages every table's rows in temporary tables (<paramref name="stage"/>),
    /// checks them against <paramref name="tables"/>, gives them new ids (foreign keys follow) and the new tenant's id,
    /// and inserts them, in one transaction. New ids keep ids unique across tenants, so a clone can live beside its
    /// source in the shared tables.
    /// </summary>
    private async Task<Tenant> CreateWithRowsAsync(
        NewTenant request,
        IReadOnlyList<TenantArchiveTable> tables,
        Guid sourceTenantId,
        Func<TenantArchiveTable, ImportTarget, CancellationToken, Task> stage,
        Func<Guid, CancellationToken, Task> copyExternal,
        CancellationToken cancellationToken)
    {
        var tenant = await provisioner.ProvisionAsync(request, cancellationToken);
        var location = TenantStoreLocation.Of(tenant, stores);
        try
        {
            await using var target = await TenantMover.OpenAsync(location, tenant.Id, cancellationToken);
            var importTarget = new ImportTarget(target.Connection, target.Transaction, location.Schema, tenant.Id);
            foreach (var table in tables)
            {
                await stage(table, importTarget, cancellationToken);
            }

            var staged = await TenantRowCopier.ChecksumAsync(target.Connection, "pg_temp", [.. tables.Select(t => StagingTable(t.Name))], sourceTenantId, cancellationToken);
            if (tables.FirstOrDefault(t => staged[StagingTable(t.Name)] != new TableChecksum(t.Rows, t.Md5)) is { } differs)
            {
                throw new TenantCopyVerificationException(
                    $"The copy of '{differs.Name}' differs: {differs.Rows} rows ({differs.Md5}) became {staged[StagingTable(differs.Name)].Rows} ({staged[StagingTable(differs.Name)].Md5}).");
            }

            await RenumberAndInsertAsync(importTarget, [.. tables.Select(t => t.Name)], cancellationToken);
            var landed = await TenantRowCopier.ChecksumAsync(target.Connection, location.Schema, [.. tables.Select(t => t.Name)], tenant.Id, cancellationToken);
            if (tables.FirstOrDefault(t => landed[t.Name].Rows != t.Rows) is { } lost)
            {
                throw new TenantCopyVerificationException($"'{lost.Name}' received {landed[lost.Name].Rows} of {lost.Rows} rows.");
            }

            // Files before the commit: a tenant is handed out whole or not at all (a failure discards them too).
            await copyExternal(tenant.Id, cancellationToken);
            await target.Transaction.CommitAsync(cancellationToken);
            return tenant;
        }
        catch (Exception)
        {
            await DiscardAsync(tenant, location);
            throw;
        }
    }

    /// <summary>
    /// Removes a tenant that was never handed out: its store and its registry rows. Its creation was announced, so
    /// its removal is too (as a deletion).
    /// </summary>
    private async Task DiscardAsync(Tenant tenant, TenantStoreLocation location)
    {
        await storeBuilder.RemoveAsync(location, tenant.Id, CancellationToken.None);
        foreach (var external in externalStores)
        {
            await external.DropAsync(tenant.Id, CancellationToken.None);
        }

        await using var transaction = await registry.BeginAsync(CancellationToken.None);
        await registry.RemoveRowAsync(transaction, tenant.Id, CancellationToken.None);
        await registry.AnnounceAsync(transaction, TenantLifecycleEvent.Of(TenantLifecycleKind.Deleted, tenant, clock.GetUtcNow()), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    private async Task<TenantArchiveManifest> ReadManifestAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        var entry = zip.GetEntry(TenantArchiveManifest.EntryName) ?? throw new TenantArchiveException("The file is not a tenant archive (no manifest.json).");
        TenantArchiveManifest? manifest;
        try
        {
            await using var stream = await entry.OpenAsync(cancellationToken);
            manifest = await JsonSerializer.DeserializeAsync<TenantArchiveManifest>(stream, Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new TenantArchiveException($"The archive's manifest is not valid: {ex.Message}");
        }

        if (manifest is null || manifest.Format != TenantArchiveManifest.CurrentFormat)
        {
            throw new TenantArchiveException($"The archive's format is not {TenantArchiveManifest.CurrentFormat}.");
        }

        // The binary rows fit only tables with the same columns: the same migrations.
        if (!manifest.Migrations.SequenceEqual(catalog.Migrations.Select(m => m.Id)))
        {
            throw new TenantArchiveException(
                $"The archive was taken at migration {manifest.Migrations.LastOrDefault() ?? "(none)"}; this deployment is at {catalog.LatestId ?? "(none)"}.");
        }

        if (manifest.Tables.FirstOrDefault(t => zip.GetEntry(TenantArchiveManifest.TableEntry(t.Name)) is null) is { } missing)
        {
            throw new TenantArchiveException($"The archive lacks the rows of '{missing.Name}'.");
        }

        return manifest;
    }

    private static async Task ImportEntryAsync(ZipArchive zip, TenantArchiveTable table, ImportTarget target, CancellationToken cancellationToken)
    {
        await using var rows = await zip.GetEntry(TenantArchiveManifest.TableEntry(table.Name))!.OpenAsync(cancellationToken);
        await StageAsync(target, table.Name, rows, cancellationToken);
    }

    private static string StagingTable(string table) => "tenancy_import_" + table;

    /// <summary>Loads binary COPY rows into a temporary copy of the target table (dropped at commit).</summary>
    private static async Task StageAsync(ImportTarget target, string table, Stream rows, CancellationToken cancellationToken)
    {
        var staging = SqlIdentifier.Quote(StagingTable(table));
        await using (var create = new NpgsqlCommand(
            $"CREATE TEMP TABLE {staging} (LIKE {SqlIdentifier.Quote(target.Schema)}.{SqlIdentifier.Quote(table)}) ON COMMIT DROP", target.Connection, target.Transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var import = await target.Connection.BeginRawBinaryCopyAsync($"COPY {staging} FROM STDIN (FORMAT BINARY)", cancellationToken);
        await rows.CopyToAsync(import, cancellationToken);
    }

    /// <summary>
    /// Every staged row gets a new id, every uuid column that held a staged id (the foreign keys) the matching new
    /// one, tenant_id the new tenant's; then the rows go into the target tables, parents first.
    /// </summary>
    private static async Task RenumberAndInsertAsync(ImportTarget target, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(target.Connection, target.Transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("CREATE TEMP TABLE tenancy_ids (old uuid PRIMARY KEY, new uuid NOT NULL) ON COMMIT DROP"));
        foreach (var table in tables)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO tenancy_ids SELECT id, gen_random_uuid() FROM {SqlIdentifier.Quote(StagingTable(table))}"));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);

        var uuidColumns = new List<(string Table, string Column)>();
        await using (var columns = new NpgsqlCommand("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = $1 AND data_type = 'uuid' AND column_name <> 'tenant_id' AND table_name = ANY($2)
            """, target.Connection, target.Transaction))
        {
            columns.Parameters.Add(new NpgsqlParameter { Value = target.Schema });
            columns.Parameters.Add(new NpgsqlParameter { Value = tables.ToArray() });
            await using var reader = await columns.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                uuidColumns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        await using var rewrite = new NpgsqlBatch(target.Connection, target.Transaction);
        foreach (var (table, column) in uuidColumns)
        {
            var (staging, name) = (SqlIdentifier.Quote(StagingTable(table)), SqlIdentifier.Quote(column));
            rewrite.BatchCommands.Add(new NpgsqlBatchCommand($"UPDATE {staging} t SET {name} = m.new FROM tenancy_ids m WHERE t.{name} = m.old"));
        }

        foreach (var table in tables)
        {
            rewrite.BatchCommands.Add(new NpgsqlBatchCommand($"UPDATE {SqlIdentifier.Quote(StagingTable(table))} SET tenant_id = $1") { Parameters = { new NpgsqlParameter { Value = target.TenantId } } });
            rewrite.BatchCommands.Add(new NpgsqlBatchCommand(
                $"INSERT INTO {SqlIdentifier.Quote(target.Schema)}.{SqlIdentifier.Quote(table)} SELECT * FROM {SqlIdentifier.Quote(StagingTable(table))}"));
        }

        await rewrite.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task<NpgsqlRawCopyStream> BeginExportAsync(NpgsqlConnection connection, string schema, string table, Guid tenantId, CancellationToken cancellationToken) =>
        // The id is a Guid formatted here; COPY takes no parameters.
        connection.BeginRawBinaryCopyAsync(
            $"COPY (SELECT * FROM {SqlIdentifier.Quote(schema)}.{SqlIdentifier.Quote(table)} WHERE tenant_id = '{tenantId:D}') TO STDOUT (FORMAT BINARY)", cancellationToken);

    private async Task<TenantInfo> FindAsync(string identifier, CancellationToken cancellationToken) =>
        await lookup.FindByIdentifierAsync(identifier, cancellationToken) is { Status: not TenantStatus.Deleted } tenant
            ? tenant
            : throw new TenantNotFoundException(identifier);

    private sealed record ImportTarget(NpgsqlConnection Connection, NpgsqlTransaction Transaction, string Schema, Guid TenantId);
}

/// <summary>A file that cannot be restored: not an archive, damaged, or from another schema version.</summary>
public sealed class TenantArchiveException(string message) : Exception(message);
