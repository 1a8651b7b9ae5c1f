using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Limits;
using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.Usage;

/// <summary>
/// How many bytes a tenant stores, measured cheaply from PostgreSQL's own accounting and trusted for
/// <see cref="TenantLimitsOptions.DataSizeRefresh"/>: a schema tenant's relations (tables, indexes, TOAST), a
/// database tenant's database; a shared tenant's is an estimate: its rows' share of each shared table's size.
/// Every measurement is also recorded in the day's usage.
/// </summary>
public sealed class TenantDataSize(NpgsqlDataSource owner, UsageMeter meter, IOptions<TenantLimitsOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, Measurement> _measured = new();

    /// <summary>The tenant's size in bytes, or null where it is not measured (a database on another server).</summary>
    public async ValueTask<long?> BytesAsync(TenantInfo tenant, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_measured.TryGetValue(tenant.Id, out var known) && now - known.At < options.Value.DataSizeRefresh)
        {
            return known.Bytes;
        }

        var bytes = await MeasureAsync(tenant, cancellationToken);
        _measured[tenant.Id] = new Measurement(bytes, now);
        if (bytes is { } measured)
        {
            meter.RecordDataBytes(tenant.Id, measured);
        }

        return bytes;
    }

    private async Task<long?> MeasureAsync(TenantInfo tenant, CancellationToken cancellationToken)
    {
        await using var connection = await owner.OpenConnectionAsync(cancellationToken);
        switch (tenant.Isolation)
        {
            case TenantIsolation.Schema:
                return await ScalarAsync(connection, """
                    SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')
                    """, TenantStoreNames.SchemaOf(tenant), cancellationToken);

            case TenantIsolation.Database when tenant.ConnectionReference is null && tenant.DatabaseName is { } database:
                return await ScalarAsync(connection, "SELECT pg_database_size(datname) FROM pg_database WHERE datname = $1", database, cancellationToken);

            case TenantIsolation.Shared:
                return await EstimateSharedAsync(connection, tenant.Id, cancellationToken);

            default:
                return null;
        }
    }

    /// <summary>Σ over shared tables of (the tenant's rows × the table's bytes per row, from its statistics).</summary>
    private static async Task<long> EstimateSharedAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken cancellationToken)
    {
        var tables = new List<(string Name, long Bytes, double Rows)>();
        await using (var list = new NpgsqlCommand("""
            SELECT c.relname, pg_total_relation_size(c.oid), c.reltuples
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'r'
            """, connection))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = TenantStoreNames.SharedSchema });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add((reader.GetString(0), reader.GetInt64(1), reader.GetFloat(2)));
            }
        }

        if (tables.Count == 0)
        {
            return 0;
        }

        // The tenant's rows, read as the tenant (row-level security binds even the tables' owner).
        var counts = new StringBuilder("SELECT ");
        counts.AppendJoin(", ", tables.Select(t => $"(SELECT count(*) FROM {SqlIdentifier.Quote(TenantStoreNames.SharedSchema)}.{SqlIdentifier.Quote(t.Name)})"));
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var count = new NpgsqlCommand($"{TenantRowSecurity.Prefix(tenantId)}{counts}", connection, transaction);
        await using var rows = await count.ExecuteReaderAsync(cancellationToken);
        await rows.ReadAsync(cancellationToken);
        double bytes = 0;
        for (var i = 0; i < tables.Count; i++)
        {
            var tenantRows = rows.GetInt64(i);
            // reltuples is -1 before the first ANALYZE: the tenant's rows are then the best guess of the table's.
            bytes += tenantRows * (tables[i].Bytes / Math.Max(Math.Max(tables[i].Rows, tenantRows), 1));
        }

        return (long)bytes;
    }

    private static async Task<long?> ScalarAsync(NpgsqlConnection connection, string sql, string value, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return await command.ExecuteScalarAsync(cancellationToken) is long bytes ? bytes : null;
    }

    private sealed record Measurement(long? Bytes, DateTimeOffset At);
}
