using System.Text.Json;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Placement;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.Provisioning;

/// <summary>
/// Creates a tenant (registry row, domains, and its store at the latest migration) so that it completes or leaves
/// nothing behind, whatever fails or is killed half-way, and a retry starts clean. Schema tier: registry rows, schema
/// and tables in ONE transaction, from pre-generated SQL in one round trip. Shared tier: registry rows only (the
/// shared schema exists). Database tier: CREATE DATABASE cannot run in a transaction, so the database is built
/// first and the registry rows committed last; a failure drops the database, and a database left by a killed run
/// (no registry row names it) is dropped by the retry.
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
    public async Task<Tenant> ProvisionAsync(NewTenant request, CancellationToken cancellationToken = default)
    {
        validation.Validate(request);

        var plan = request.Plan ?? options.DefaultPlan;
        var limits = options.Plans.GetValueOrDefault(plan) ?? PlanLimits.Unlimited;
        var now = clock.GetUtcNow();
        var tenant = new Tenant
        {
            Id = Guid.CreateVersion7(now),
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
            Domains = [.. (request.Domains ?? []).Select((host, i) => new TenantDomain { Host = HostName.Normalize(host)!, IsPrimary = i == 0 })],
        };

        var databaseCreated = false;
        try
        {
            try
            {
                if (tenant.Isolation == TenantIsolation.Database)
                {
                    await TenantDatabases.CreateAsync(stores, tenant.DatabaseName!, tenant.ConnectionReference, tenant.SchemaName!, catalog.Migrations, dataSource, cancellationToken);
                    databaseCreated = true;
                }

                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await InsertRegistryRowsAsync(connection, transaction, tenant, cancellationToken);
                if (tenant.Isolation == TenantIsolation.Schema)
                {
                    await using (var createSchema = new NpgsqlCommand($"CREATE SCHEMA {SqlIdentifier.Quote(tenant.SchemaName!)}", connection, transaction))
                    {
                        await createSchema.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await TenantSchemaMigrator.ApplyAsync(connection, transaction, tenant.Id, tenant.SchemaName!, catalog.Migrations, stores.ApplicationRole, cancellationToken);
                }
                else if (tenant.Isolation == TenantIsolation.Database)
                {
                    await TenantSchemaMigrator.RecordAsync(connection, transaction, tenant.Id, catalog.Migrations, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                // A "no such tenant" answer cached here before the commit must not outlive it.
                lookup.Invalidate();
            }
            catch (Exception) when (databaseCreated)
            {
                await TenantDatabases.DropAsync(stores, tenant.DatabaseName!, tenant.ConnectionReference, CancellationToken.None);
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

        foreach (var domain in tenant.Domains)
        {
            domain.TenantId = tenant.Id;
        }

        return tenant;
    }

    private static async Task InsertRegistryRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insertTenant = new NpgsqlBatchCommand("""
            INSERT INTO tenancy.tenants (id, identifier, name, status, plan, max_users, max_locations, isolation, schema_name,
                                         contact_email, metadata, created_at, updated_at, database_name, connection_reference)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $12, $13, $14)
            """);
        foreach (var value in new object?[]
                 {
                     tenant.Id, tenant.Identifier, tenant.Name, tenant.Status.ToString(), tenant.Plan, tenant.MaxUsers, tenant.MaxLocations,
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
