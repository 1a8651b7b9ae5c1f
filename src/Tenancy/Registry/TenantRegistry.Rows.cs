using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Tenancy.Isolation;
using Tenancy.Lifecycle;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.Registry;

// The registry's own SQL: what EF Core cannot do in one statement or inside another component's transaction (the
// provisioning lease, a move's switch), and the reads of the hot path. Every TenantInfo comes from ReadInfo.
public sealed partial class TenantRegistry
{
    private const string SelectInfo = """
        SELECT t.id, t.identifier, t.name, t.status, t.isolation, t.schema_name, t.plan, t.limits::text,
               t.database_name, t.connection_reference, t.writes_frozen_until, t.requests_per_window, t.max_data_bytes,
               t.max_cache_entries, t.max_concurrent_jobs, t.feature_overrides::text, t.branding::text, t.settings::text
        FROM tenancy.tenants t
        """;

    /// <summary>What the registry holds now for <paramref name="identifier"/>, uncached.</summary>
    public Task<TenantInfo?> ReadAsync(string identifier, CancellationToken cancellationToken = default) =>
        ReadOneAsync($"{SelectInfo} WHERE t.identifier = $1", identifier, cancellationToken);

    /// <summary>The tenant <paramref name="host"/> (lowercase, without port) is a custom domain of, uncached.</summary>
    public Task<TenantInfo?> ReadByHostAsync(string host, CancellationToken cancellationToken = default) =>
        ReadOneAsync($"{SelectInfo} JOIN tenancy.domains d ON d.tenant_id = t.id WHERE d.host = $1", host, cancellationToken);

    /// <summary>Tenants that are served (not deleted, not being created), or only those of <paramref name="identifiers"/>; by identifier.</summary>
    public Task<IReadOnlyList<TenantInfo>> ListServedAsync(IReadOnlyCollection<string>? identifiers = null, CancellationToken cancellationToken = default) =>
        ReadManyAsync(
            $"{SelectInfo} WHERE t.status NOT IN ('Deleted', 'Provisioning') AND ($1::text[] IS NULL OR t.identifier = ANY($1)) ORDER BY t.identifier",
            cancellationToken,
            Identifiers(identifiers));

    /// <summary>Schema-tier tenants not deleted (those being created included), or only those of <paramref name="identifiers"/>; by identifier.</summary>
    public Task<IReadOnlyList<TenantInfo>> ListSchemaTierAsync(IReadOnlyCollection<string>? identifiers = null, CancellationToken cancellationToken = default) =>
        ReadManyAsync(
            $"{SelectInfo} WHERE t.status <> 'Deleted' AND t.isolation = 'Schema' AND ($1::text[] IS NULL OR t.identifier = ANY($1)) ORDER BY t.identifier",
            cancellationToken,
            Identifiers(identifiers));

    /// <summary>Deleted tenants whose data is still there.</summary>
    public Task<IReadOnlyList<TenantInfo>> ListDeletedWithDataAsync(CancellationToken cancellationToken = default) =>
        ReadManyAsync($"{SelectInfo} WHERE t.status = 'Deleted' AND t.data_dropped_at IS NULL", cancellationToken);

    /// <summary>Creations not touched since <paramref name="before"/>.</summary>
    public Task<IReadOnlyList<TenantInfo>> ListProvisioningSinceAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        ReadManyAsync($"{SelectInfo} WHERE t.status = 'Provisioning' AND t.updated_at < $1", cancellationToken, new NpgsqlParameter { Value = before });

    /// <summary>
    /// Locks the tenant's row until <paramref name="transaction"/> ends (waiting at most the transaction's lock_timeout),
    /// so that two runners never work on one tenant at once; false when there is no such row. Not a write.
    /// </summary>
    public async Task<bool> LockRowAsync(RegistryTransaction transaction, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var select = transaction.CreateCommand("SELECT 1 FROM tenancy.tenants WHERE id = $1 FOR UPDATE");
        select.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        return await select.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Whether a tenant's row names <paramref name="databaseName"/> on the server <paramref name="reference"/> names.</summary>
    public async Task<bool> IsDatabaseClaimedAsync(string databaseName, string? reference, CancellationToken cancellationToken = default)
    {
        await using var claimed = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM tenancy.tenants WHERE database_name = $1 AND connection_reference IS NOT DISTINCT FROM $2)");
        claimed.Parameters.Add(new NpgsqlParameter { Value = databaseName });
        claimed.Parameters.Add(new NpgsqlParameter { Value = (object?)reference ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await claimed.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>A transaction on the registry database whose commit counts as a registry write (<see cref="Changed"/>).</summary>
    public async Task<RegistryTransaction> BeginAsync(CancellationToken cancellationToken = default)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return new RegistryTransaction(connection, await connection.BeginTransactionAsync(cancellationToken), CommittedAsync);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Announces <paramref name="lifecycleEvent"/> with <paramref name="transaction"/>: a NOTIFY that other services
    /// hear only if it commits, and this process's handlers once it has.
    /// </summary>
    public async Task AnnounceAsync(RegistryTransaction transaction, TenantLifecycleEvent lifecycleEvent, CancellationToken cancellationToken)
    {
        await using var notify = transaction.CreateCommand("SELECT pg_notify($1, $2)");
        notify.Parameters.Add(new NpgsqlParameter { Value = TenantLifecycleEvent.Channel });
        notify.Parameters.Add(new NpgsqlParameter { Value = lifecycleEvent.ToJson() });
        await notify.ExecuteNonQueryAsync(cancellationToken);
        transaction.Announced(lifecycleEvent);
    }

    /// <summary>The full row with its domains, in <paramref name="transaction"/>: what a creation compares a retry with.</summary>
    public async Task<Tenant?> FindAsync(RegistryTransaction transaction, string identifier, CancellationToken cancellationToken)
    {
        await using var find = transaction.CreateCommand("""
            SELECT t.id, t.name, t.status, t.plan, t.limits::text, t.isolation, t.schema_name, t.database_name,
                   t.connection_reference, t.contact_email, t.metadata::text, t.created_at, t.updated_at,
                   coalesce((SELECT array_agg(d.host ORDER BY d.host) FROM tenancy.domains d WHERE d.tenant_id = t.id), '{}'),
                   (SELECT d.host FROM tenancy.domains d WHERE d.tenant_id = t.id AND d.is_primary)
            FROM tenancy.tenants t WHERE t.identifier = $1
            """);
        find.Parameters.Add(new NpgsqlParameter { Value = identifier });
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var id = reader.GetGuid(0);
        var primary = reader.IsDBNull(14) ? null : reader.GetString(14);
        return new Tenant
        {
            Id = id,
            Identifier = identifier,
            Name = reader.GetString(1),
            Status = Enum.Parse<TenantStatus>(reader.GetString(2)),
            Plan = reader.GetString(3),
            Limits = ReadLimits(reader.GetString(4)),
            Isolation = Enum.Parse<TenantIsolation>(reader.GetString(5)),
            SchemaName = reader.IsDBNull(6) ? null : reader.GetString(6),
            DatabaseName = reader.IsDBNull(7) ? null : reader.GetString(7),
            ConnectionReference = reader.IsDBNull(8) ? null : reader.GetString(8),
            ContactEmail = reader.IsDBNull(9) ? null : reader.GetString(9),
            Metadata = reader.GetString(10),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(11),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(12),
            Domains = [.. reader.GetFieldValue<string[]>(13).Select(host => new TenantDomain { Host = host, TenantId = id, IsPrimary = host == primary })],
        };
    }

    /// <summary>The tenant's row in <paramref name="status"/>, and its domains.</summary>
    public async Task InsertAsync(RegistryTransaction transaction, Tenant tenant, TenantStatus status, CancellationToken cancellationToken)
    {
        await using var batch = transaction.CreateBatch();
        var insertTenant = new NpgsqlBatchCommand("""
            INSERT INTO tenancy.tenants (id, identifier, name, status, plan, limits, isolation, schema_name,
                                         contact_email, metadata, created_at, updated_at, database_name, connection_reference)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::jsonb, $11, $11, $12, $13)
            """);
        foreach (var value in new object?[]
                 {
                     tenant.Id, tenant.Identifier, tenant.Name, status.ToString(), tenant.Plan, WriteLimits(tenant.Limits),
                     tenant.Isolation.ToString(), tenant.SchemaName, tenant.ContactEmail, tenant.Metadata, tenant.CreatedAt,
                     tenant.DatabaseName, tenant.ConnectionReference,
                 })
        {
            insertTenant.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        batch.BatchCommands.Add(insertTenant);
        if (tenant.Domains.Count > 0)
        {
            var insertDomains = new NpgsqlBatchCommand(
                "INSERT INTO tenancy.domains (host, tenant_id, is_primary) SELECT unnest($1::text[]), $2, unnest($3::boolean[])");
            insertDomains.Parameters.Add(new NpgsqlParameter { Value = tenant.Domains.Select(d => d.Host).ToArray() });
            insertDomains.Parameters.Add(new NpgsqlParameter { Value = tenant.Id });
            insertDomains.Parameters.Add(new NpgsqlParameter { Value = tenant.Domains.Select(d => d.IsPrimary).ToArray() });
            batch.BatchCommands.Add(insertDomains);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        transaction.Wrote();
    }

    /// <summary>A creation's row leaves <see cref="TenantStatus.Provisioning"/> for <paramref name="status"/>; false if it was not provisioning.</summary>
    public async Task<bool> ActivateAsync(RegistryTransaction transaction, Guid tenantId, TenantStatus status, CancellationToken cancellationToken)
    {
        await using var activate = transaction.CreateCommand("UPDATE tenancy.tenants SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'Provisioning'");
        activate.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        activate.Parameters.Add(new NpgsqlParameter { Value = status.ToString() });
        activate.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        transaction.Wrote();
        return await activate.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Locks a creation's row (still <see cref="TenantStatus.Provisioning"/>) and returns it, or null when it is no
    /// longer one; <see cref="RemoveRowAsync"/> then removes it.
    /// </summary>
    public Task<TenantInfo?> LockProvisioningAsync(RegistryTransaction transaction, Guid tenantId, CancellationToken cancellationToken) =>
        ReadOneAsync(transaction.CreateCommand($"{SelectInfo} WHERE t.id = $1 AND t.status = 'Provisioning' FOR UPDATE"), tenantId, cancellationToken);

    /// <summary>Removes a tenant's row (its domains, migration records and usage go with it): only for one never handed out.</summary>
    public async Task RemoveRowAsync(RegistryTransaction transaction, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var delete = transaction.CreateCommand("DELETE FROM tenancy.tenants WHERE id = $1");
        delete.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await delete.ExecuteNonQueryAsync(cancellationToken);
        transaction.Wrote();
    }

    /// <summary>Marks a deleted tenant's data as dropped, in the transaction that dropped it.</summary>
    public async Task MarkDataDroppedAsync(RegistryTransaction transaction, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var mark = transaction.CreateCommand("UPDATE tenancy.tenants SET data_dropped_at = now() WHERE id = $1");
        mark.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await mark.ExecuteNonQueryAsync(cancellationToken);
        transaction.Wrote();
    }

    /// <summary>Refuses the tenant's writes until <paramref name="until"/>, unless a freeze already holds; returns the freeze taken, or null.</summary>
    public async Task<DateTimeOffset?> TryFreezeWritesAsync(Guid tenantId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE tenancy.tenants SET writes_frozen_until = $2
            WHERE id = $1 AND (writes_frozen_until IS NULL OR writes_frozen_until < now())
            RETURNING writes_frozen_until
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = until });
        var frozen = await command.ExecuteScalarAsync(cancellationToken) as DateTime?;
        Changed?.Invoke();
        return frozen is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    /// <summary>Lifts the freeze taken until <paramref name="frozenUntil"/> (and no later one).</summary>
    public async Task UnfreezeWritesAsync(Guid tenantId, DateTimeOffset frozenUntil, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE tenancy.tenants SET writes_frozen_until = NULL WHERE id = $1 AND writes_frozen_until = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = frozenUntil });
        await command.ExecuteNonQueryAsync(cancellationToken);
        Changed?.Invoke();
    }

    /// <summary>The tenant's new placement, lifting the freeze taken until <paramref name="frozenUntil"/>; false when that freeze lapsed.</summary>
    public async Task<bool> SwitchPlacementAsync(
        RegistryTransaction transaction, Guid tenantId, TenantStoreLocation to, DateTimeOffset frozenUntil, CancellationToken cancellationToken)
    {
        await using var update = transaction.CreateCommand("""
            UPDATE tenancy.tenants
            SET isolation = $2, schema_name = $3, database_name = $4, connection_reference = $5, writes_frozen_until = NULL, updated_at = now()
            WHERE id = $1 AND writes_frozen_until = $6
            """);
        update.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        update.Parameters.Add(new NpgsqlParameter { Value = to.Isolation.ToString() });
        update.Parameters.Add(new NpgsqlParameter { Value = to.Isolation == TenantIsolation.Shared ? DBNull.Value : to.Schema, NpgsqlDbType = NpgsqlDbType.Varchar });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)to.DatabaseName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)to.ConnectionReference ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        update.Parameters.Add(new NpgsqlParameter { Value = frozenUntil });
        transaction.Wrote();
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// A statement that grants <paramref name="applicationRole"/> every existing schema-tier tenant's tables, for a
    /// role added to a running deployment: run inside the registry's migration transaction.
    /// </summary>
    internal static string GrantExistingSchemasSql(string applicationRole) => $$"""
        DO $tenancy$
        DECLARE s record;
        BEGIN
          FOR s IN SELECT t.schema_name FROM tenancy.tenants t JOIN pg_namespace n ON n.nspname = t.schema_name WHERE t.isolation = 'Schema' LOOP
            EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s.schema_name, {{TenantRowSecurity.Literal(applicationRole)}});
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s.schema_name, {{TenantRowSecurity.Literal(applicationRole)}});
          END LOOP;
        END $tenancy$;
        """;

    internal static PlanLimits ReadLimits(string json) => JsonSerializer.Deserialize<PlanLimits>(json) ?? PlanLimits.Unlimited;

    internal static string WriteLimits(PlanLimits limits) => JsonSerializer.Serialize(limits);

    private static NpgsqlParameter Identifiers(IReadOnlyCollection<string>? identifiers) =>
        new() { Value = identifiers?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private Task<TenantInfo?> ReadOneAsync(string sql, object value, CancellationToken cancellationToken) =>
        ReadOneAsync(dataSource.CreateCommand(sql), value, cancellationToken);

    private static async Task<TenantInfo?> ReadOneAsync(NpgsqlCommand command, object value, CancellationToken cancellationToken)
    {
        await using (command)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadInfo(reader) : null;
        }
    }

    private async Task<IReadOnlyList<TenantInfo>> ReadManyAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tenants = new List<TenantInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(ReadInfo(reader));
        }

        return tenants;
    }

    /// <summary>The one mapping of a registry row (<see cref="SelectInfo"/>) to what code running for the tenant sees.</summary>
    private static TenantInfo ReadInfo(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        Enum.Parse<TenantStatus>(reader.GetString(3)),
        Enum.Parse<TenantIsolation>(reader.GetString(4)),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetString(6),
        ReadLimits(reader.GetString(7)),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        LimitOverrides.Of(
            reader.IsDBNull(11) ? null : reader.GetInt32(11),
            reader.IsDBNull(12) ? null : reader.GetInt64(12),
            reader.IsDBNull(13) ? null : reader.GetInt32(13),
            reader.IsDBNull(14) ? null : reader.GetInt32(14)),
        ReadFeatureOverrides(reader.GetString(15)),
        new Settings.TenantSettings(ReadBranding(reader.GetString(16)), ReadSettings(reader.GetString(17))));
}
