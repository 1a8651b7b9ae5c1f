using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Tenancy.Context;
using Tenancy.Isolation;
using Tenancy.Jobs.Outbox;

namespace Tenancy.Sales;

/// <summary>The sample business domain of every tenant (the seeds' sales app); its migrations are the tenant migrations.</summary>
public sealed class SalesDbContext(DbContextOptions<SalesDbContext> options)
    : TenantDbContext(options)
{
    public DbSet<Location> Locations => Set<Location>();

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<DailySalesSummary> DailySalesSummaries => Set<DailySalesSummary>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Location>(location =>
        {
            location.Property(l => l.Name).HasMaxLength(200);
            location.Property(l => l.Code).HasMaxLength(40);
            location.Property(l => l.Address).HasMaxLength(500);
            location.HasIndex(l => new { l.TenantId, l.Code }).IsUnique();
        });
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.Property(c => c.Name).HasMaxLength(200);
            customer.Property(c => c.Email).HasMaxLength(320);
        });
        modelBuilder.Entity<Product>(product =>
        {
            product.Property(p => p.Sku).HasMaxLength(64);
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.Price).HasPrecision(12, 2);
            product.HasIndex(p => new { p.TenantId, p.Sku }).IsUnique();
        });
        modelBuilder.Entity<Order>(order =>
        {
            order.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
            order.Property(o => o.Total).HasPrecision(14, 2);
            order.HasOne<Customer>().WithMany().HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Restrict);
            order.HasOne<Location>().WithMany().HasForeignKey(o => o.LocationId).OnDelete(DeleteBehavior.Restrict);
            order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
            order.HasIndex(o => o.CreatedAt);
        });
        modelBuilder.Entity<OrderLine>(line =>
        {
            line.Property(l => l.UnitPrice).HasPrecision(12, 2);
            line.Property(l => l.LineTotal).HasPrecision(14, 2);
            line.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Notification>(notification =>
        {
            notification.Property(n => n.Kind).HasMaxLength(40);
            notification.Property(n => n.Recipient).HasMaxLength(320);
            notification.Property(n => n.Status).HasConversion<string>().HasMaxLength(20);
            notification.Property(n => n.JobId).HasMaxLength(40);
            notification.Property(n => n.JobTenant).HasMaxLength(40);
            notification.HasOne<Order>().WithMany().HasForeignKey(n => n.OrderId).OnDelete(DeleteBehavior.Cascade);
            // One message of a kind per order, however often the job runs.
            notification.HasIndex(n => new { n.OrderId, n.Kind }).IsUnique();
            notification.HasIndex(n => n.CreatedAt);
        });
        modelBuilder.Entity<DailySalesSummary>(summary =>
        {
            // A day's revenue is the sum of any number of orders, each up to numeric(14,2): room for 10^14 of the
            // largest orders, and still within what a .NET decimal holds.
            summary.Property(s => s.Revenue).HasPrecision(28, 2);
            summary.HasIndex(s => new { s.TenantId, s.Date }).IsUnique();
        });

        // The order confirmation commits with its order.
        modelBuilder.AddJobOutbox();

        // Last: the base class adds the tenant filters to every ITenantOwned entity defined above.
        base.OnModelCreating(modelBuilder);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model; it never connects.</summary>
internal sealed class SalesDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SalesDbContext>
{
    public SalesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SalesDbContext>().UseNpgsql().UseSnakeCaseNamingConvention().Options);
}
