using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Tenancy.Settings;
using Tenancy.Tenants;
using Tenancy.Usage;

namespace Tenancy.Registry;

/// <summary>The shared registry of tenants, their domains and their applied migrations, in the <c>tenancy</c> schema.</summary>
public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    public const string Schema = "tenancy";

    /// <summary>The channel on which every change to tenants or domains is announced (see the Initial migration's trigger).</summary>
    public const string ChangeChannel = "tenancy_registry";

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<TenantDomain> Domains => Set<TenantDomain>();

    public DbSet<AppliedTenantMigration> TenantMigrations => Set<AppliedTenantMigration>();

    public DbSet<AppliedSharedMigration> SharedMigrations => Set<AppliedSharedMigration>();

    public DbSet<TenantUsageRow> Usage => Set<TenantUsageRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<Tenant>(tenant =>
        {
            tenant.ToTable("tenants");
            tenant.HasKey(t => t.Id);
            tenant.HasIndex(t => t.Identifier).IsUnique();
            tenant.HasIndex(t => t.SchemaName).IsUnique();
            tenant.HasIndex(t => new { t.ConnectionReference, t.DatabaseName }).IsUnique().AreNullsDistinct(false).HasFilter("database_name IS NOT NULL");
            tenant.HasIndex(t => t.Status);
            tenant.Property(t => t.Identifier).HasMaxLength(TenantIdentifier.MaxLength);
            tenant.Property(t => t.Name).HasMaxLength(200);
            tenant.Property(t => t.Plan).HasMaxLength(40);
            tenant.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
            tenant.Property(t => t.Isolation).HasConversion<string>().HasMaxLength(20);
            tenant.Property(t => t.SchemaName).HasMaxLength(63);
            tenant.Property(t => t.DatabaseName).HasMaxLength(63);
            tenant.Property(t => t.ConnectionReference).HasMaxLength(200);
            tenant.Property(t => t.ContactEmail).HasMaxLength(320);
            tenant.Property(t => t.Metadata).HasColumnType("jsonb");
            tenant.Property(t => t.Limits).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb")
                .HasConversion(
                    limits => TenantRegistry.WriteLimits(limits),
                    json => TenantRegistry.ReadLimits(json),
                    new ValueComparer<PlanLimits>((a, b) => Equals(a, b), limits => limits.GetHashCode(), limits => limits));
            tenant.Property(t => t.FeatureOverrides).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb")
                .HasConversion(
                    overrides => TenantRegistry.WriteJson(overrides),
                    json => TenantRegistry.ReadFeatureOverrides(json),
                    TenantRegistry.JsonComparer<Dictionary<string, bool>>(TenantRegistry.ReadFeatureOverrides));
            tenant.Property(t => t.Branding).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb")
                .HasConversion(
                    branding => TenantRegistry.WriteJson(branding),
                    json => TenantRegistry.ReadBranding(json),
                    new ValueComparer<TenantBranding>((a, b) => Equals(a, b), branding => branding.GetHashCode(), branding => branding));
            tenant.Property(t => t.Settings).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb")
                .HasConversion(
                    settings => TenantRegistry.WriteJson(settings),
                    json => TenantRegistry.ReadSettings(json),
                    TenantRegistry.JsonComparer<Dictionary<string, string>>(TenantRegistry.ReadSettings));
            tenant.HasMany(t => t.Domains).WithOne().HasForeignKey(d => d.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TenantDomain>(domain =>
        {
            domain.ToTable("domains");
            domain.HasKey(d => d.Host);
            domain.Property(d => d.Host).HasMaxLength(253);
            domain.HasIndex(d => d.TenantId);
        });

        modelBuilder.Entity<AppliedTenantMigration>(migration =>
        {
            migration.ToTable("tenant_migrations");
            migration.HasKey(m => new { m.TenantId, m.MigrationId });
            migration.Property(m => m.MigrationId).HasMaxLength(150);
            migration.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TenantUsageRow>(usage =>
        {
            usage.ToTable("tenant_usage");
            usage.HasKey(u => new { u.TenantId, u.Day });
            usage.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AppliedSharedMigration>(migration =>
        {
            migration.ToTable("shared_migrations");
            migration.HasKey(m => m.MigrationId);
            migration.Property(m => m.MigrationId).HasMaxLength(150);
        });
    }
}
