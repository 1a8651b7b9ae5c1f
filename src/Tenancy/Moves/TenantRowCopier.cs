using System.Globalization;
using Npgsql;
using Tenancy.Isolation;

namespace Tenancy.Moves;

/// <summary>
/// Copies one tenant's rows between two stores with binary COPY (streamed, never held in memory), and checks the
/// copy: row count and an md5 over every row's text, per table, on both sides.
/// </summary>
public static class TenantRowCopier
{
    public static async Task CopyAsync(NpgsqlConnection source, string sourceSchema, NpgsqlConnection target, string targetSchema, IReadOnlyList<string> tables, Guid tenantId, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            // The id is a Guid formatted here; COPY takes no parameters.
            var filter = string.Create(CultureInfo.InvariantCulture, $"WHERE tenant_id = '{tenantId:D}'");
            await using var export = await source.BeginRawBinaryCopyAsync(
                $"COPY (SELECT * FROM {SqlIdentifier.Quote(sourceSchema)}.{SqlIdentifier.Quote(table)} {filter}) TO STDOUT (FORMAT BINARY)", cancellationToken);
            await using var import = await target.BeginRawBinaryCopyAsync(
                $"COPY {SqlIdentifier.Quote(targetSchema)}.{SqlIdentifier.Quote(table)} FROM STDIN (FORMAT BINARY)", cancellationToken);
            await export.CopyToAsync(import, cancellationToken);
        }
    }

    /// <summary>
    /// Per table: row count and checksum of the tenant's rows, in id order, with timestamps in UTC. Rows are hashed as
    /// jsonb without tenant_id (keys in a fixed order), so a copy under another tenant id (a clone) compares equal.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, TableChecksum>> ChecksumAsync(NpgsqlConnection connection, string schema, IReadOnlyList<string> tables, Guid tenantId, CancellationToken cancellationToken)
    {
        var sums = new Dictionary<string, TableChecksum>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                $"SELECT count(*), coalesce(md5(string_agg((to_jsonb(t) - 'tenant_id')::text, E'\\n' ORDER BY t.id)), '') FROM {SqlIdentifier.Quote(schema)}.{SqlIdentifier.Quote(table)} t WHERE t.tenant_id = $1",
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            sums[table] = new TableChecksum(reader.GetInt64(0), reader.GetString(1));
        }

        return sums;
    }
}

/// <summary>What a table holds of one tenant.</summary>
public sealed record TableChecksum(long Rows, string Md5);
