using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Tenancy.Accounts.Invitations;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Users;

namespace Tenancy.Accounts;

/// <summary>
/// Users, their memberships in tenants, and platform admins, in the <c>accounts</c> schema of the registry database.
/// A context of its own (own migrations and history table), so the registry's model can change independently.
/// </summary>
public sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options) : DbContext(options)
{
    public const string Schema = "accounts";

    /// <summary>
    /// NOTIFY channel of the accounts tables' trigger: the payload is the id of the user or platform admin whose
    /// memberships or security stamp changed (see the <c>AddSecurityStamp</c> migration).
    /// </summary>
    public const string ChangeChannel = "tenancy_accounts";

    /// <summary>Random, unguessable, and made by PostgreSQL, so a renewal is one UPDATE wherever it runs.</summary>
    internal const string NewSecurityStamp = "gen_random_uuid()";

    private const string HistoryTable = "__migrations";

    public DbSet<User> Users => Set<User>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<PlatformAdmin> PlatformAdmins => Set<PlatformAdmin>();

    public DbSet<SignInBackoff> SignInBackoffs => Set<SignInBackoff>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<InvitationMessage> InvitationMessages => Set<InvitationMessage>();

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
            user.Property(u => u.SecurityStamp).HasDefaultValueSql(NewSecurityStamp);
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
            admin.Property(a => a.SecurityStamp).HasDefaultValueSql(NewSecurityStamp);
        });

        modelBuilder.Entity<SignInBackoff>(backoff =>
        {
            backoff.ToTable("sign_in_backoffs");
            backoff.HasKey(b => b.Key);
        });

        modelBuilder.Entity<Invitation>(invitation =>
        {
            invitation.ToTable("invitations");
            invitation.HasKey(i => i.Id);
            invitation.Property(i => i.Email).HasMaxLength(320);
            invitation.Property(i => i.NormalizedEmail).HasMaxLength(320);
            invitation.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
            invitation.HasIndex(i => i.TokenHash).IsUnique();
            invitation.HasIndex(i => new { i.TenantId, i.NormalizedEmail });
        });

        modelBuilder.Entity<InvitationMessage>(message =>
        {
            message.ToTable("invitation_messages");
            message.HasKey(m => m.Id);
            message.Property(m => m.Recipient).HasMaxLength(320);
            message.HasIndex(m => m.InvitationId);
            message.HasOne<Invitation>().WithMany().HasForeignKey(m => m.InvitationId).OnDelete(DeleteBehavior.Cascade);
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
