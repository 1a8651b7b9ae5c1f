using Npgsql;
using Tenancy.Changes;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Resolution;

/// <summary>
/// Finds tenants by identifier or host. Answers (found or not) are cached in memory while the
/// <see cref="ChangeListener"/> is listening, and dropped the moment the registry announces a change,
/// so requests do not query PostgreSQL and changes take effect at once.
/// </summary>
public sealed class TenantLookup(NpgsqlDataSource dataSource) : ITenantLookup, IChangeSubscriber
{
    // Bounds memory against floods of made-up hosts; the registry itself is small by comparison.
    private const int MaxEntries = 50_000;

    private const string SelectTenant = """
        SELECT t.id, t.identifier, t.name, t.status, t.isolation, t.schema_name, t.plan, t.max_users, t.max_locations,
               t.database_name, t.connection_reference, t.writes_frozen_until, t.requests_per_window, t.max_data_bytes,
               t.max_cache_entries, t.max_concurrent_jobs
        FROM tenancy.tenants t
        """;

    private readonly NotifiedCache<string, TenantInfo?> _cache = new(MaxEntries, StringComparer.Ordinal);

    public ValueTask<TenantInfo?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken = default) =>
        FindAsync("i:" + identifier, $"{SelectTenant} WHERE t.identifier = $1", identifier, cancellationToken);

    public ValueTask<TenantInfo?> FindByHostAsync(string host, CancellationToken cancellationToken = default) =>
        FindAsync("h:" + host, $"{SelectTenant} JOIN tenancy.domains d ON d.tenant_id = t.id WHERE d.host = $1", host, cancellationToken);

    /// <summary>What the registry holds now, past the cache: for operations that must not act on an old snapshot (a move).</summary>
    public Task<TenantInfo?> ReadByIdentifierAsync(string identifier, CancellationToken cancellationToken = default) =>
        QueryAsync($"{SelectTenant} WHERE t.identifier = $1", identifier, cancellationToken);

    string IChangeSubscriber.Channel => RegistryDbContext.ChangeChannel;

    /// <summary>Drops every cached answer; called on every registry change.</summary>
    public void Invalidate() => _cache.Clear();

    void IChangeSubscriber.OnChanged(string payload) => Invalidate();

    /// <summary>Caching is only safe while changes are heard; the listener turns it on and off.</summary>
    internal void SetCaching(bool enabled) => _cache.SetCaching(enabled);

    void IChangeSubscriber.OnListening(bool listening) => SetCaching(listening);

    private ValueTask<TenantInfo?> FindAsync(string key, string sql, string value, CancellationToken cancellationToken) =>
        _cache.GetOrReadAsync(key, (sql, value), (_, query, ct) => QueryAsync(query.sql, query.value, ct), cancellationToken);

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
            reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
            LimitOverrides.Of(
                reader.IsDBNull(12) ? null : reader.GetInt32(12),
                reader.IsDBNull(13) ? null : reader.GetInt64(13),
                reader.IsDBNull(14) ? null : reader.GetInt32(14),
                reader.IsDBNull(15) ? null : reader.GetInt32(15)));
    }
}
