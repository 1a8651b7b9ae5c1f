using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
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
public sealed class MembershipLookup(IDbContextFactory<AccountsDbContext> contexts, TenantCache? cache = null)
{
    public const string CacheRegion = "memberships";

    public async ValueTask<TenantRole?> FindRoleAsync(TenantInfo tenant, Guid userId, CancellationToken cancellationToken)
    {
        // The factory runs outside this async flow: it captures the tenant id, never the ambient tenant.
        var tenantId = tenant.Id;
        async ValueTask<CachedMembership> ReadAsync(CancellationToken ct)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var role = await db.Memberships.AsNoTracking()
                .Where(m => m.TenantId == tenantId && m.UserId == userId)
                .Select(m => (TenantRole?)m.Role)
                .FirstOrDefaultAsync(ct);
            return new CachedMembership(role);
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
