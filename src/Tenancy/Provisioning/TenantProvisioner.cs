using System.Text.Json;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.Provisioning;

/// <summary>
/// Creates a tenant (registry row, domains, schema and every tenant table at the latest migration) in one
/// PostgreSQL transaction: it completes or leaves nothing behind, whatever fails or is killed half-way, and a
/// retry starts clean. The schema is built from pre-generated SQL in one round trip, so it takes milliseconds.
/// </summary>
public sealed class TenantProvisioner(
    NpgsqlDataSource dataSource,
    TenantMigrationCatalog catalog,
    TenantValidation validation,
    TenancyOptions options,
    TenantLookup lookup,
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
            Isolation = TenantIsolation.Schema,
            SchemaName = TenantIdentifier.ToSchemaName(request.Identifier),
            ContactEmail = request.ContactEmail,
            Metadata = JsonSerializer.Serialize(request.Metadata ?? new Dictionary<string, string>()),
            CreatedAt = now,
            UpdatedAt = now,
            Domains = [.. (request.Domains ?? []).Select((host, i) => new TenantDomain { Host = HostName.Normalize(host)!, IsPrimary = i == 0 })],
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await InsertRegistryRowsAsync(connection, transaction, tenant, cancellationToken);
            await using (var createSchema = new NpgsqlCommand($"CREATE SCHEMA {SqlIdentifier.Quote(tenant.SchemaName)}", connection, transaction))
            {
                await createSchema.ExecuteNonQueryAsync(cancellationToken);
            }

            await TenantSchemaMigrator.ApplyAsync(connection, transaction, tenant.Id, tenant.SchemaName, catalog.Migrations, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            // A "no such tenant" answer cached here before the commit must not outlive it.
            lookup.Invalidate();
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
                                         contact_email, metadata, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $12)
            """);
        foreach (var value in new object?[]
                 {
                     tenant.Id, tenant.Identifier, tenant.Name, tenant.Status.ToString(), tenant.Plan, tenant.MaxUsers, tenant.MaxLocations,
                     tenant.Isolation.ToString(), tenant.SchemaName, tenant.ContactEmail, tenant.Metadata, tenant.CreatedAt,
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
