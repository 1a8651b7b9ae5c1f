using Npgsql;
using NpgsqlTypes;

namespace Tenancy.Usage;

/// <summary>The SQL of <c>tenancy.tenant_usage</c> (one row per tenant and UTC day); nobody else writes it.</summary>
public sealed class UsageStore(NpgsqlDataSource dataSource)
{
    /// <summary>Adds a batch of counts in one statement; counts of tenants no longer in the registry are dropped.</summary>
    public async Task AddAsync(IReadOnlyList<UsageIncrement> increments, CancellationToken cancellationToken)
    {
        if (increments.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO tenancy.tenant_usage AS u (tenant_id, day, requests, errors, jobs_run, data_bytes, cache_bytes, updated_at)
            SELECT i.tenant_id, i.day, i.requests, i.errors, i.jobs_run, i.data_bytes, i.cache_bytes, now()
            FROM unnest($1::uuid[], $2::date[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
                 AS i (tenant_id, day, requests, errors, jobs_run, data_bytes, cache_bytes)
            JOIN tenancy.tenants t ON t.id = i.tenant_id
            ON CONFLICT (tenant_id, day) DO UPDATE SET
                requests = u.requests + excluded.requests,
                errors = u.errors + excluded.errors,
                jobs_run = u.jobs_run + excluded.jobs_run,
                data_bytes = coalesce(excluded.data_bytes, u.data_bytes),
                cache_bytes = coalesce(excluded.cache_bytes, u.cache_bytes),
                updated_at = excluded.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = increments.Select(i => i.TenantId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = increments.Select(i => i.Day).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = increments.Select(i => i.Requests).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = increments.Select(i => i.Errors).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = increments.Select(i => i.JobsRun).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = increments.Select(i => i.DataBytes).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = increments.Select(i => i.CacheBytes).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The tenant's days from <paramref name="from"/> to <paramref name="to"/> (inclusive) that have any use, oldest first.</summary>
    public async Task<IReadOnlyList<UsageDay>> ReadAsync(Guid tenantId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT day, requests, errors, jobs_run, data_bytes, cache_bytes
            FROM tenancy.tenant_usage
            WHERE tenant_id = $1 AND day BETWEEN $2 AND $3
            ORDER BY day
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        var days = new List<UsageDay>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new UsageDay(
                reader.GetFieldValue<DateOnly>(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5)));
        }

        return days;
    }
}
