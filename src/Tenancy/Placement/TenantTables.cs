using Npgsql;

namespace Tenancy.Placement;

/// <summary>The tables of a tenant store's schema, referenced tables before the tables that reference them.</summary>
public static class TenantTables
{
    /// <summary>Tables of <paramref name="schema"/>, parents first: copy in this order, delete in reverse.</summary>
    public static async Task<IReadOnlyList<string>> InDependencyOrderAsync(NpgsqlConnection connection, string schema, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        var parents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT c.relname,
                   coalesce(array_agg(DISTINCT p.relname) FILTER (WHERE p.relname IS NOT NULL AND p.relname <> c.relname), '{}')
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_constraint f ON f.conrelid = c.oid AND f.contype = 'f'
            LEFT JOIN pg_class p ON p.oid = f.confrelid
            WHERE n.nspname = $1 AND c.relkind = 'r'
            GROUP BY c.relname
            ORDER BY c.relname
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
                parents[reader.GetString(0)] = [.. reader.GetFieldValue<string[]>(1)];
            }
        }

        var ordered = new List<string>(tables.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (ordered.Count < tables.Count)
        {
            var ready = tables.Where(t => !placed.Contains(t) && parents[t].All(p => placed.Contains(p) || !parents.ContainsKey(p))).ToList();
            if (ready.Count == 0)
            {
                throw new InvalidOperationException($"The tables of schema '{schema}' reference each other in a cycle.");
            }

            ordered.AddRange(ready);
            placed.UnionWith(ready);
        }

        return ordered;
    }
}
