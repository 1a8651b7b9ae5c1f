using System.Text.Json;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Lifecycle;
using Tenancy.Migrations;
using Tenancy.Placement;
using Tenancy.Registry;
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
    TenantRegistry registry,
    TenantMigrationCatalog catalog,
    TenantValidation validation,
    TenancyOptions options,
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
            await using var transaction = await registry.BeginAsync(cancellationToken);
            if (!await ProvisioningLease.TryTakeAsync(transaction, tenant.Identifier, cancellationToken))
            {
                throw new TenantConflictException($"Tenant '{tenant.Identifier}' is being created by another request right now; retry once it has finished.");
            }

            if (await registry.FindAsync(transaction, tenant.Identifier, cancellationToken) is { } existing)
            {
                if (Differences(existing, tenant) is { Count: > 0 } differences)
                {
                    throw new TenantConflictException(
                        $"The identifier '{tenant.Identifier}' is taken by a tenant ({existing.Status.ToString().ToLowerInvariant()}) whose {string.Join(", ", differences)} {(differences.Count == 1 ? "differs" : "differ")} from this request.");
                }

                if (existing.Status != TenantStatus.Provisioning)
                {
                    return step is null || await step.IsDoneAsync(transaction.Connection, transaction.Transaction, existing, cancellationToken)
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
                await CompleteAsync(transaction, tenant, step, cancellationToken);
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

        return new ProvisionedTenant(tenant, Created: true);
    }

    private Tenant Build(NewTenant request)
    {
        var plan = request.Plan ?? options.DefaultPlan;
        var limits = options.Plans.TryGetValue(plan, out var named) ? new PlanLimits(named) : PlanLimits.Unlimited;
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        return new Tenant
        {
            Id = id,
            Identifier = request.Identifier,
            Name = request.Name.Trim(),
            Status = request.Status,
            Plan = plan,
            Limits = limits,
            Isolation = request.Isolation,
            SchemaName = request.Isolation == TenantIsolation.Shared ? null : TenantStoreNames.ToSchemaName(request.Identifier),
            DatabaseName = request.Isolation == TenantIsolation.Database ? TenantStoreNames.ToDatabaseName(request.Identifier) : null,
            ConnectionReference = request.ConnectionReference,
            ContactEmail = request.ContactEmail,
            Metadata = JsonSerializer.Serialize(request.Metadata ?? new Dictionary<string, string>()),
            CreatedAt = now,
            UpdatedAt = now,
            Domains = [.. (request.Domains ?? []).Select((host, i) => new TenantDomain { Host = HostName.Normalize(host)!, TenantId = id, IsPrimary = i == 0 })],
        };
    }

    /// <summary>The tenant's store, registry rows and the caller's step, all committed by the lease's transaction.</summary>
    private async Task CompleteAsync(RegistryTransaction transaction, Tenant tenant, ITenantCreationStep? step, CancellationToken cancellationToken)
    {
        switch (tenant.Isolation)
        {
            case TenantIsolation.Database:
                // Whatever an interrupted attempt left under this name is replaced: the row committed first names it.
                await TenantDatabases.RecreateAsync(stores, tenant.DatabaseName!, tenant.ConnectionReference, tenant.SchemaName!, catalog.Migrations, cancellationToken);
                if (!await registry.ActivateAsync(transaction, tenant.Id, tenant.Status, cancellationToken))
                {
                    throw new InvalidOperationException($"Tenant '{tenant.Identifier}' left the provisioning status while its lease was held.");
                }

                await TenantSchemaMigrator.RecordAsync(transaction.Connection, transaction.Transaction, tenant.Id, catalog.Migrations, cancellationToken);
                break;
            case TenantIsolation.Schema:
                await registry.InsertAsync(transaction, tenant, tenant.Status, cancellationToken);
                await using (var createSchema = transaction.CreateCommand($"CREATE SCHEMA {SqlIdentifier.Quote(tenant.SchemaName!)}"))
                {
                    await createSchema.ExecuteNonQueryAsync(cancellationToken);
                }

                await TenantSchemaMigrator.ApplyAsync(transaction.Connection, transaction.Transaction, tenant.Id, tenant.SchemaName!, catalog.Migrations, stores.ApplicationRole, cancellationToken);
                break;
            default:
                // The shared schema exists; the tenant's rows come with its use.
                await registry.InsertAsync(transaction, tenant, tenant.Status, cancellationToken);
                break;
        }

        // Announced with everything else, before the caller's step: the step's statements stay the last before the commit.
        await registry.AnnounceAsync(transaction, TenantLifecycleEvent.Of(TenantLifecycleKind.Created, tenant, clock.GetUtcNow()), cancellationToken);
        if (step is not null)
        {
            await step.RunAsync(transaction.Connection, transaction.Transaction, tenant, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The database tier's intent, committed before its database exists: the identifier and the name are the creation's from here on.</summary>
    private async Task CommitIntentAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var transaction = await registry.BeginAsync(cancellationToken);
        await registry.InsertAsync(transaction, tenant, TenantStatus.Provisioning, cancellationToken);
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
        await using var transaction = await registry.BeginAsync(CancellationToken.None);
        if (await ProvisioningLease.TryTakeAsync(transaction, tenant.Identifier, CancellationToken.None))
        {
            await ProvisioningLease.RemoveAsync(transaction, registry, stores, tenant.Id, CancellationToken.None);
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
}
