using Microsoft.EntityFrameworkCore;

namespace Tenancy.Jobs.Outbox;

public static class JobOutboxModel
{
    public const string TableName = "job_outbox";

    /// <summary>
    /// Adds the job outbox (<see cref="JobOutboxEntry"/>) to a tenant DbContext's model, and so to its tenant
    /// migrations. Call it in <c>OnModelCreating</c> before the base class's, which adds the tenant filter.
    /// </summary>
    public static ModelBuilder AddJobOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<JobOutboxEntry>(entry =>
        {
            entry.ToTable(TableName);
            entry.Property(e => e.JobId).HasMaxLength(40);
            // Claimed entries are kept for a week, then removed by later claims (see JobOutboxClaim).
            entry.HasIndex(e => e.ClaimedAt);
        });
        return modelBuilder;
    }
}
