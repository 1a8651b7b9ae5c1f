using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Tenancy.Isolation;

namespace Notes;

/// <summary>A row of one tenant: the context stamps and filters <see cref="TenantId"/>.</summary>
public sealed class Note : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Text { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The tenant data; its EF Core migrations are the tenant migrations, applied to every tenant.</summary>
public sealed class NotesDbContext(DbContextOptions<NotesDbContext> options) : TenantDbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Note>().Property(n => n.Text).HasMaxLength(2000);

        // Last: the base class adds the tenant filter to every ITenantOwned entity above.
        base.OnModelCreating(modelBuilder);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model; it never connects.</summary>
internal sealed class NotesDbContextDesignTimeFactory : IDesignTimeDbContextFactory<NotesDbContext>
{
    public NotesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<NotesDbContext>().UseNpgsql().UseSnakeCaseNamingConvention().Options);
}
