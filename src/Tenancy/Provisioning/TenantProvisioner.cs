using System.Text.Json;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Placement;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.Provisioning;

/// <summary>
/// Creates a tenant (registry row, domains, its store at the latest migration, and what the caller adds, such as its
/// first owner) so that it is never left half-made, whatever fails or is killed half-way. Every attempt holds the
/// identifier's <see cref="ProvisioningLease"/> throughout. Shared and schema tiers: everything in ONE transaction.
/// Database tier: CREATE DATABASE cannot run in a transaction, so the intent is committed first (a row in
/// <see cref="TenantStatus.Provisioning"/> naming the database, which nothing serves), then the database is built,
/// then the status flips, migrations are recorded and the caller's step runs, in one transaction. A retry of the
/// same request resumes an interrupted creation or returns the tenant already made; the Worker removes creations
/// nobody retried (<see cref="AbandonedProvisioningReaper"/>).
/// </summary>
public sealed class TenantProvisioner(
    NpgsqlDataSource dataSource,
    TenantMigrationCatalog catalog,
    TenantValidation validation,
    TenancyOptions options,
    TenantLookup lookup,
    TenantStoreConnections stores,
    TimeProvider clock)
{
    public async Task<Tenant> ProvisionAsync(NewTenant request, CancellationToken cancellationToken = default) =>
        (await CreateAsync(request, step: null, cancellationToken)).Tenant;

    /// <param name="step">Work that commits with the tenant (its first owner), or null.</param>
    /// <exception cref="TenantValidationException">The request breaks a rule; nothing was written.</exception>
    /// <exception cref="TenantConflictException">The identifier or a host is taken by another tenant, or another request is creating it now.</exception>
    public async Task<ProvisionedTenant> CreateAsync(NewTenant request, ITenantCreationStep? step, CancellationToken cancellationToken = default)
    {
        validation.Validate(request);
        var tenant = Build(request);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (!await ProvisioningLease.TryTakeAsync(connection, transaction, tenant.Identifier, cancellationToken))
            {
                throw new TenantConflictException($"Tenant '{tenant.Identifier}' is being created by another request right now; retry once it has finished.");
            }

            if (await FindAsync(connection, transaction, tenant.Identifier, cancellationToken) is { } existing)
            {
                if (Differences(existing, tenant) is { Count: > 0 } differences)
                {
                    throw new TenantConflictException(
                        $"The identifier '{tenant.Identifier}' is taken by a tenant ({existing.Status.ToString().ToLowerInvariant()}) whose {string.Join(", ", differences)} {(differences.Count == 1 ? "differs" : "differ")} from this request.");
                }

                if (existing.Status != TenantStatus.Provisioning)
                {
                    return step is null || await step.IsDoneAsync(connection, transaction, existing, cancellationToken)
                        ? new ProvisionedTenant(existing, Created: false)
                        : throw new TenantConflictException($"The identifier '{tenant.Identifier}' is taken by a tenant whose owner differs from this request.");
                }

                // An interrupted creation of this very request, its lease lost with its session: resume it.
                existing.Status = tenant.Status;
                tenant = existing;
            }
            else if (tenant.Isolation == TenantIsolation.Database)
            {
                await CommitIntentAsync(tenant, cancellationToken);
            }

            try
            {
                await CompleteAsync(connection, transaction, tenant, step, cancellationToken);
            }
            catch (Exception) when (tenant.Isolation == TenantIsolation.Database)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                await RemoveIntentAsync(tenant);
                throw;
            }
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateSchema)
        {
            throw new TenantConflictException(ex.ConstraintName switch
            {
                "pk_domains" => $"A host in {string.Join(", ", tenant.Domains.Select(d => d.Host))} already belongs to a tenant.",
                _ => $"The identifier '{tenant.Identifier}' is taken.",
            });
        }

        // A "no such tenant" answer cached before the commit must not outlive it.
        lookup.Invalidate();
        return new ProvisionedTenant(tenant, Created: true);
    }

    private Tenant Build(NewTenant request)
    {
        var plan = request.Plan ?? options.DefaultPlan;
        var limits = options.Plans.GetValueOrDefault(plan) ?? PlanLimits.Unlimited;
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        return new Tenant
        {
            Id = id,
            Identifier = request.Identifier,
            Name = request.Name.Trim(),
            Status = request.Status,
            Plan = plan,
            MaxUsers = limits.MaxUsers,
            MaxLocations = limits.MaxLocations,
            Isolation = request.Isolation,
            SchemaName = request.Isolation == TenantIsolation.Shared ? null : TenantIdentifier.ToSchemaName(request.Identifier),
            DatabaseName = request.Isolation == TenantIsolation.Database ? TenantStore.ToDatabaseName(request.Identifier) : null,
            ConnectionReference = request.ConnectionReference,
            ContactEmail = request.ContactEmail,
            Metadata = JsonSerializer.Serialize(request.Metadata ?? new Dictionary<string, string>()),
            CreatedAt = now,
            UpdatedAt = now,
            Domains = [.. (request.Domains ?? []).Select((host, i) => new TenantDomain { Host = HostName.Normalize(host)!, TenantId = id, IsPrimary = i == 0 })],
        };
    }

    /// <summary>The tenant's store, registry rows and the caller's step, all committed by the lease's transaction.</summary>
    private async Task CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, ITenantCreationStep? step, CancellationToken cancellationToken)
    {
        switch (tenant.Isolation)
        {
            case TenantIsolation.Database:
                // Whatever an interrupted attempt left under this name is replaced: the row committed first names it.
                await TenantDatabases.RecreateAsync(stores, tenant.DatabaseName!, tenant.ConnectionReference, tenant.SchemaName!, catalog.Migrations, cancellationToken);
                await using (var activate = new NpgsqlCommand(
                    "UPDATE tenancy.tenants SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'Provisioning'", connection, transaction))
                {
                    activate.Parameters.Add(new NpgsqlParameter { Value = tenant.Id });
                    activate.Parameters.Add(new NpgsqlParameter { Value = tenant.Status.ToString() });
                    activate.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
                    if (await activate.ExecuteNonQueryAsync(cancellationToken) != 1)
                    {
                        throw new InvalidOperationException($"Tenant '{tenant.Identifier}' left the provisioning status while its lease was held.");
                    }
                }

                await TenantSchemaMigrator.RecordAsync(connection, transaction, tenant.Id, catalog.Migrations, cancellationToken);
                break;
            case TenantIsolation.Schema:
                await InsertRegistryRowsAsync(connection, transaction, tenant, tenant.Status, cancellationToken);
                await using (var createSchema = new NpgsqlCommand($"CREATE SCHEMA {SqlIdentifier.Quote(tenant.SchemaName!)}", connection, transaction))
                {
                    await createSchema.ExecuteNonQueryAsync(cancellationToken);
                }

                await TenantSchemaMigrator.ApplyAsync(connection, transaction, tenant.Id, tenant.SchemaName!, catalog.Migrations, stores.ApplicationRole, cancellationToken);
                break;
            default:
                // The shared schema exists; the tenant's rows come with its use.
                await InsertRegistryRowsAsync(connection, transaction, tenant, tenant.Status, cancellationToken);
                break;
        }

        if (step is not null)
        {
            await step.RunAsync(connection, transaction, tenant, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The database tier's intent, committed before its database exists: the identifier and the name are the creation's from here on.</summary>
    private async Task CommitIntentAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertRegistryRowsAsync(connection, transaction, tenant, TenantStatus.Provisioning, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>After a failure (not a kill): removes the intent and its database, unless another attempt already took over.</summary>
    private async Task RemoveIntentAsync(Tenant tenant)
    {
        try
        {
            await RemoveUnderLeaseAsync(tenant);
        }
        catch (NpgsqlException)
        {
            // The failure that brought us here stays the one reported; the Worker's sweep removes what is left.
        }
    }

    private async Task RemoveUnderLeaseAsync(Tenant tenant)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        if (await ProvisioningLease.TryTakeAsync(connection, transaction, tenant.Identifier, CancellationToken.None))
        {
            await ProvisioningLease.RemoveAsync(connection, transaction, stores, tenant.Id, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
    }

    /// <summary>The fields of <paramref name="existing"/> that a request for <paramref name="requested"/> would have set otherwise.</summary>
    private static List<string> Differences(Tenant existing, Tenant requested)
    {
        var differences = new List<string>();
        void Compare(bool same, string field)
        {
            if (!same)
            {
                differences.Add(field);
            }
        }

        Compare(existing.Name == requested.Name, "name");
        Compare(existing.Plan == requested.Plan, "plan");
        Compare(existing.Isolation == requested.Isolation, "isolation");
        Compare(existing.ConnectionReference == requested.ConnectionReference, "connectionReference");
        Compare(existing.ContactEmail == requested.ContactEmail, "contactEmail");
        Compare(existing.Status is TenantStatus.Provisioning || existing.Status == requested.Status, "status");
        Compare(
            existing.Domains.Select(d => (d.Host, d.IsPrimary)).Order().SequenceEqual(requested.Domains.Select(d => (d.Host, d.IsPrimary)).Order()),
            "domains");
        var metadata = (JsonSerializer.Deserialize<Dictionary<string, string>>(existing.Metadata) ?? []).Order();
        Compare(metadata.SequenceEqual((JsonSerializer.Deserialize<Dictionary<string, string>>(requested.Metadata) ?? []).Order()), "metadata");
        return differences;
    }

    private static async Task<Tenant?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string identifier, CancellationToken cancellationToken)
    {
        await using var find = new NpgsqlCommand("""
            SELECT t.id, t.name, t.status, t.plan, t.max_users, t.max_locations, t.isolation, t.schema_name, t.database_name,
                   t.connection_reference, t.contact_email, t.metadata::text, t.created_at, t.updated_at,
                   coalesce((SELECT array_agg(d.host ORDER BY d.host) FROM tenancy.domains d WHERE d.tenant_id = t.id), '{}'),
                   (SELECT d.host FROM tenancy.domains d WHERE d.tenant_id = t.id AND d.is_primary)
            FROM tenancy.tenants t WHERE t.identifier = $1
            """, connection, transaction);
        find.Parameters.Add(new NpgsqlParameter { Value = identifier });
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var id = reader.GetGuid(0);
        var primary = reader.IsDBNull(15) ? null : reader.GetString(15);
        return new Tenant
        {
            Id = id,
            Identifier = identifier,
            Name = reader.GetString(1),
            Status = Enum.Parse<TenantStatus>(reader.GetString(2)),
            Plan = reader.GetString(3),
            MaxUsers = reader.IsDBNull(4) ? null : reader.GetInt32(4),
            MaxLocations = reader.IsDBNull(5) ? null : reader.GetInt32(5),
            Isolation = Enum.Parse<TenantIsolation>(reader.GetString(6)),
            SchemaName = reader.IsDBNull(7) ? null : reader.GetString(7),
            DatabaseName = reader.IsDBNull(8) ? null : reader.GetString(8),
            ConnectionReference = reader.IsDBNull(9) ? null : reader.GetString(9),
            ContactEmail = reader.IsDBNull(10) ? null : reader.GetString(10),
            Metadata = reader.GetString(11),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(12),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(13),
            Domains = [.. reader.GetFieldValue<string[]>(14).Select(host => new TenantDomain { Host = host, TenantId = id, IsPrimary = host == primary })],
        };
    }

    private static async Task InsertRegistryRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, TenantStatus status, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insertTenant = new NpgsqlBatchCommand("""
            INSERT INTO tenancy.tenants (id, identifier, name, status, plan, max_users, max_locations, isolation, schema_name,
                                         contact_email, metadata, created_at, updated_at, database_name, connection_reference)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $12, $13, $14)
            """);
        foreach (var value in new object?[]
                 {
                     tenant.Id, tenant.Identifier, tenant.Name, status.ToString(), tenant.Plan, tenant.MaxUsers, tenant.MaxLocations,
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
    }
}
