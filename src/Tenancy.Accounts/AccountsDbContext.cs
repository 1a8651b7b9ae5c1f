using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Tenancy.Accounts.Users;

namespace Tenancy.Accounts;

/// <summary>
/// Users, their memberships in tenants, and platform admins, in the <c>accounts</c> schema of the registry database.
/// A context of its own (own migrations and history table), so the registry's model can change independently.
/// </summary>
public sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options) : DbContext(options)
{
    public const string Schema = "accounts";

    private const string HistoryTable = "__migrations";

    public DbSet<User> Users => Set<User>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<PlatformAdmin> PlatformAdmins => Set<PlatformAdmin>();

    /// <summary>The one form of an e-mail address that is compared and stored unique.</summary>
    public static string Normalize(string email) => email.Trim().ToUpperInvariant();

    /// <param name="dataSource">Null at design time, where the model is built without connecting.</param>
    internal static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, Npgsql.NpgsqlDataSource? dataSource)
    {
        return (dataSource is null
                ? options.UseNpgsql(npgsql => npgsql.MigrationsHistoryTable(HistoryTable, Schema))
                : options.UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable(HistoryTable, Schema)))
            .UseSnakeCaseNamingConvention();
    }

    /// <summary>A context on a connection the caller opened, to join its transaction (a tenant's creation adds its first owner).</summary>
    internal static AccountsDbContext On(Npgsql.NpgsqlConnection connection) =>
        new(new DbContextOptionsBuilder<AccountsDbContext>()
            .UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable(HistoryTable, Schema))
            .UseSnakeCaseNamingConvention()
            .Options);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.Property(u => u.Email).HasMaxLength(320);
            user.Property(u => u.NormalizedEmail).HasMaxLength(320);
            user.HasIndex(u => u.NormalizedEmail).IsUnique();
            user.HasMany(u => u.Memberships).WithOne(m => m.User).HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Membership>(membership =>
        {
            membership.ToTable("memberships");
            membership.HasKey(m => new { m.UserId, m.TenantId });
            membership.HasIndex(m => m.TenantId);
            membership.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        });

        modelBuilder.Entity<PlatformAdmin>(admin =>
        {
            admin.ToTable("platform_admins");
            admin.HasKey(a => a.Id);
            admin.Property(a => a.Email).HasMaxLength(320);
            admin.Property(a => a.NormalizedEmail).HasMaxLength(320);
            admin.HasIndex(a => a.NormalizedEmail).IsUnique();
        });
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model; it never connects.</summary>
internal sealed class AccountsDbContextDesignTimeFactory : IDesignTimeDbContextFactory<AccountsDbContext>
{
    public AccountsDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AccountsDbContext>();
        AccountsDbContext.Configure(options, dataSource: null);
        return new AccountsDbContext(options.Options);
    }
}
