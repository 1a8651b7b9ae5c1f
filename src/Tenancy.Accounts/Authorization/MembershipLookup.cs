using System.Text.Json.Serialization;
using Npgsql;
using Tenancy.Accounts.Users;
using Tenancy.Caching;
using Tenancy.Context;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Authorization;

/// <summary>
/// A user's role in the current tenant, checked on every request: through the tenant cache (region
/// <c>memberships</c>), which every membership change drops on every instance, so a removed member is refused at once.
/// </summary>
/// <param name="cache">Null where no cache is configured (a tool): every lookup reads PostgreSQL.</param>
public sealed class MembershipLookup(NpgsqlDataSource dataSource, TenantCache? cache = null)
{
    public const string CacheRegion = "memberships";

    public async ValueTask<TenantRole?> FindRoleAsync(TenantInfo tenant, Guid userId, CancellationToken cancellationToken)
    {
        // The factory runs outside this async flow: it captures the tenant id, never the ambient tenant.
        var tenantId = tenant.Id;
        // A plain command, not EF Core: without Redis this runs on every request, and it is one primary-key read.
        async ValueTask<CachedMembership> ReadAsync(CancellationToken ct)
        {
            await using var command = dataSource.CreateCommand("SELECT role FROM accounts.memberships WHERE user_id = $1 AND tenant_id = $2");
            command.Parameters.Add(new NpgsqlParameter { Value = userId });
            command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            return new CachedMembership(await command.ExecuteScalarAsync(ct) is string role ? Enum.Parse<TenantRole>(role) : null);
        }

        var cached = cache is null ? await ReadAsync(cancellationToken) : await cache.GetOrCreateAsync(CacheRegion, userId.ToString("N"), ReadAsync, cancellationToken);
        return cached.Role;
    }

    public async Task InvalidateAsync(TenantInfo tenant)
    {
        if (cache is null)
        {
            return;
        }

        using (TenantContext.Enter(tenant))
        {
            await cache.InvalidateAsync(CacheRegion);
        }
    }
}

/// <summary>A cached answer, including "not a member".</summary>
public sealed record CachedMembership(TenantRole? Role);

[JsonSerializable(typeof(CachedMembership))]
internal sealed partial class AccountsJsonContext : JsonSerializerContext;
