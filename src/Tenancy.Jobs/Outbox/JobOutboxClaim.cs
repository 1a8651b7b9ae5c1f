using Microsoft.EntityFrameworkCore;
using Tenancy.Isolation;

namespace Tenancy.Jobs.Outbox;

/// <summary>
/// The check an outbox job passes before it runs, in its tenant's store: its entry must exist, which it does only if
/// the transaction that enqueued it committed. One statement decides: it inserts the entry's id as abandoned, which
/// waits for that transaction if it is still open (the id is its primary key); if the entry was committed, the insert
/// becomes an update that marks it claimed. Every later run of the same job (a retry) finds the same answer.
/// </summary>
internal static class JobOutboxClaim
{
    /// <summary>How long claimed entries are kept, so that retries of their jobs still find them.</summary>
    private static readonly TimeSpan Kept = TimeSpan.FromDays(7);

    private const string Table = TenantSchema.Placeholder + "." + JobOutboxModel.TableName;

    // Old claimed entries go a few at a time with each claim: no sweep over every tenant is needed.
    private const string ClaimSql = $"""
        WITH expired AS (
          DELETE FROM {Table} WHERE id IN (SELECT id FROM {Table} WHERE claimed_at < @expired LIMIT 20)
        )
        INSERT INTO {Table} AS e (id, tenant_id, job_id, created_at, claimed_at, abandoned)
        VALUES (@entry, @tenant, @job, @now, @now, true)
        ON CONFLICT (id) DO UPDATE SET claimed_at = coalesce(e.claimed_at, excluded.claimed_at)
        RETURNING NOT e.abandoned AND e.job_id = @job AS "Value"
        """;

    /// <returns>True when the job may run.</returns>
    public static async Task<bool> TryClaimAsync(TenantDbContext db, Guid entryId, string jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenantId = db.RequireTenant().Id;
        var answers = await db.Database.SqlQueryRaw<bool>(
            ClaimSql,
            new Npgsql.NpgsqlParameter("expired", now - Kept),
            new Npgsql.NpgsqlParameter("entry", entryId),
            new Npgsql.NpgsqlParameter("tenant", tenantId),
            new Npgsql.NpgsqlParameter("job", jobId),
            new Npgsql.NpgsqlParameter("now", now)).ToListAsync(cancellationToken);
        return answers is [true];
    }
}
