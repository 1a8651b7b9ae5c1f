using System.Collections.Concurrent;
using Npgsql;
using Tenancy.Tenants;

namespace Tenancy.Resolution;

/// <summary>
/// Finds tenants by identifier or host. Answers (found or not) are cached in memory while the
/// <see cref="RegistryChangeListener"/> is listening, and dropped the moment the registry announces a change,
/// so requests do not query PostgreSQL and changes take effect at once.
/// </summary>
public sealed class TenantLookup(NpgsqlDataSource dataSource)
{
    // Bounds memory against floods of made-up hosts; the registry itself is small by comparison.
    private const int MaxEntries = 50_000;

    private const string SelectTenant = """
        SELECT t.id, t.identifier, t.name, t.status, t.isolation, t.schema_name, t.plan, t.max_users, t.max_locations,
               t.database_name, t.connection_reference, t.writes_frozen_until
        FROM tenancy.tenants t
        """;

    private readonly ConcurrentDictionary<string, TenantInfo?> _cache = new(StringComparer.Ordinal);
    private long _generation;
    private volatile bool _caching;

    public ValueTask<TenantInfo?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken = default) =>
        FindAsync("i:" + identifier, $"{SelectTenant} WHERE t.identifier = $1", identifier, cancellationToken);

    /// <param name="host">Lowercase, without port or trailing dot.</param>
    public ValueTask<TenantInfo?> FindByHostAsync(string host, CancellationToken cancellationToken = default) =>
        FindAsync("h:" + host, $"{SelectTenant} JOIN tenancy.domains d ON d.tenant_id = t.id WHERE d.host = $1", host, cancellationToken);

    /// <summary>Drops every cached answer; called on every registry change.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    /// <summary>Caching is only safe while changes are heard; the listener turns it on and off.</summary>
    internal void SetCaching(bool enabled)
    {
        _caching = enabled;
        Invalidate();
    }

    private async ValueTask<TenantInfo?> FindAsync(string key, string sql, string value, CancellationToken cancellationToken)
    {
        if (_caching && _cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        var tenant = await QueryAsync(sql, value, cancellationToken);

        // An answer read before a change was announced may be stale: keep it only if nothing changed meanwhile.
        if (_caching && generation == Interlocked.Read(ref _generation))
        {
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear();
            }

            _cache[key] = tenant;
        }

        return tenant;
    }

    private async Task<TenantInfo?> QueryAsync(string sql, string value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new TenantInfo(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            Enum.Parse<TenantStatus>(reader.GetString(3)),
            Enum.Parse<TenantIsolation>(reader.GetString(4)),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetString(6),
            new PlanLimits(
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8)),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11));
    }
}
