using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Tenancy.Context;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.Isolation;

/// <summary>
/// Base of every DbContext that holds tenant data. It belongs to the tenant that was current when it was handed out
/// (AddTenancy registers it per DI scope, from a pool); its commands reach only that tenant's schema (the
/// <see cref="TenantSchemaInterceptor"/>, registered with the context by AddTenancy; without it commands name a schema
/// that does not exist and fail), its queries see only rows with that tenant's id, and saving a row of another tenant
/// throws.
/// </summary>
public abstract class TenantDbContext : DbContext
{
    protected TenantDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public TenantInfo? Tenant { get; private set; }

    /// <summary>Where the context's connection comes from: its DI scope's.</summary>
    internal TenantConnection? ConnectionSource { get; private set; }

    /// <summary>
    /// Hands the context to a scope: its tenant and its connection. Every lease from the pool is bound again, so nothing
    /// of a previous scope's tenant survives into the next.
    /// </summary>
    internal void Bind(TenantInfo? tenant, TenantConnection connection)
    {
        Tenant = tenant;
        ConnectionSource = connection;
        // The last scope's connection (disposed with that scope) is let go; this scope's is made on first use.
        Database.SetDbConnection(null);
        // A shared-tier tenant's SaveChanges always runs in a transaction, which row-level security is told the tenant of as it begins.
        Database.AutoTransactionBehavior = tenant?.Isolation == TenantIsolation.Shared ? AutoTransactionBehavior.Always : AutoTransactionBehavior.WhenNeeded;
    }

    /// <summary>The query filters' parameter; EF reads it from this instance on every query.</summary>
    protected Guid CurrentTenantId => Tenant?.Id ?? Guid.Empty;

    public TenantInfo RequireTenant() => Tenant
        ?? throw new TenantContextMissingException("Tenant data can only be reached with a current tenant (a tenant request, or a TenantScope).");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(TenantSchema.Placeholder);

        foreach (var entityType in modelBuilder.Model.GetEntityTypes().Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType)))
        {
            var row = Expression.Parameter(entityType.ClrType, "row");
            var filter = Expression.Lambda(
                Expression.Equal(
                    Expression.Property(row, nameof(ITenantOwned.TenantId)),
                    Expression.Property(Expression.Constant(this), nameof(CurrentTenantId))),
                row);
            modelBuilder.Entity(entityType.ClrType).HasQueryFilter(filter);
            modelBuilder.Entity(entityType.ClrType).HasIndex(nameof(ITenantOwned.TenantId));
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTenant();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTenant();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void StampTenant()
    {
        var tenantId = RequireTenant().Id;
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
            {
                entry.Entity.TenantId = tenantId;
            }
            else if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && entry.Entity.TenantId != tenantId)
            {
                throw new TenantMismatchException(
                    $"A {entry.Metadata.ClrType.Name} of another tenant cannot be saved as tenant '{RequireTenant().Identifier}'.");
            }
        }
    }
}

public sealed class TenantContextMissingException(string message) : InvalidOperationException(message);

public sealed class TenantMismatchException(string message) : InvalidOperationException(message);
