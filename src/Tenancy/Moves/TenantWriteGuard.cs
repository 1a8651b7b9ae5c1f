using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenancy.Isolation;
using Tenancy.Resolution;

namespace Tenancy.Moves;

/// <summary>
/// Refuses a tenant's writes while a move switches it, and writes of a request that began on the tenant's old
/// placement: both would land in a copy about to be dropped. The registry answer is the cached, NOTIFY-invalidated
/// <see cref="TenantLookup"/>, so it costs no query while the listener runs.
/// </summary>
internal sealed class TenantWriteGuard(TenantLookup lookup, TimeProvider clock) : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await CheckAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        CheckAsync(eventData.Context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return result;
    }

    private async ValueTask CheckAsync(Microsoft.EntityFrameworkCore.DbContext? context, CancellationToken cancellationToken)
    {
        if (context is not TenantDbContext { Tenant: { } tenant })
        {
            return;
        }

        var current = await lookup.FindByIdentifierAsync(tenant.Identifier, cancellationToken);
        if (current is null)
        {
            return;
        }

        if (current.WritesFrozenUntil > clock.GetUtcNow())
        {
            throw new TenantMovingException($"Tenant '{tenant.Identifier}' is moving; writes resume in a moment.");
        }

        if (current.Isolation != tenant.Isolation || current.SchemaName != tenant.SchemaName
            || current.DatabaseName != tenant.DatabaseName || current.ConnectionReference != tenant.ConnectionReference)
        {
            throw new TenantMovingException($"Tenant '{tenant.Identifier}' has just moved; retry the request.");
        }
    }
}
