using Npgsql;
using Tenancy.Accounts.Users;
using Tenancy.Changes;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Authorization;

/// <summary>
/// A user's role in the current tenant, checked on every request. Held in this process's memory only, read from
/// PostgreSQL and dropped when the accounts' trigger announces a change to that user's memberships (on every
/// instance, whoever made the change), never from Redis: what grants a permission must come from the database,
/// and must not wait for a cache that may be stalled.
/// </summary>
public sealed class MembershipLookup(NpgsqlDataSource dataSource) : IChangeSubscriber
{
    // Bounds memory however many users sign in; an entry is a few dozen bytes.
    private const int MaxEntries = 100_000;

    private readonly NotifiedCache<(Guid TenantId, Guid UserId), TenantRole?> _roles = new(MaxEntries);

    string IChangeSubscriber.Channel => AccountsDbContext.ChangeChannel;

    /// <summary>Null when the user is not a member of <paramref name="tenant"/>.</summary>
    public ValueTask<TenantRole?> FindRoleAsync(TenantInfo tenant, Guid userId, CancellationToken cancellationToken) =>
        _roles.GetOrReadAsync((tenant.Id, userId), dataSource, ReadAsync, cancellationToken);

    /// <summary>
    /// After a membership change is committed: other instances hear of it through the trigger's NOTIFY; this one
    /// must not wait for it. Never fails, whatever the state of any cache.
    /// </summary>
    public Task InvalidateAsync(TenantInfo tenant)
    {
        _roles.Remove(key => key.TenantId == tenant.Id);
        return Task.CompletedTask;
    }

    void IChangeSubscriber.OnListening(bool listening) => _roles.SetCaching(listening);

    void IChangeSubscriber.OnChanged(string payload)
    {
        if (Guid.TryParse(payload, out var userId))
        {
            _roles.Remove(key => key.UserId == userId);
        }
        else
        {
            _roles.Clear();
        }
    }

    // A plain command, not EF Core: while the listener is down this runs on every request, and it is one primary-key read.
    private static async Task<TenantRole?> ReadAsync((Guid TenantId, Guid UserId) key, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT role FROM accounts.memberships WHERE user_id = $1 AND tenant_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = key.UserId });
        command.Parameters.Add(new NpgsqlParameter { Value = key.TenantId });
        return await command.ExecuteScalarAsync(cancellationToken) is string role ? Enum.Parse<TenantRole>(role) : null;
    }
}
