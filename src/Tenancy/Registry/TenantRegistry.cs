using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Context;
using Tenancy.Lifecycle;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.Registry;

/// <summary>
/// The one way to the registry (<c>tenancy.tenants</c>, <c>tenancy.domains</c>): every read and every write of a
/// tenant's row is here, its SQL in <c>TenantRegistry.Rows.cs</c> and its EF Core queries in this file. Every write
/// raises <see cref="Changed"/> once committed, so this instance's <see cref="TenantLookup"/> never serves the old row;
/// other instances hear of it through the registry's NOTIFY.
/// </summary>
public sealed partial class TenantRegistry(
    IDbContextFactory<RegistryDbContext> contexts,
    NpgsqlDataSource dataSource,
    TenantValidation validation,
    TenantLifecycle lifecycle,
    TimeProvider clock)
{
    /// <summary>A write committed.</summary>
    internal event Action? Changed;

    public async Task<IReadOnlyList<Tenant>> ListAsync(TenantStatus? status = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Tenants.AsNoTracking()
            .Include(t => t.Domains)
            .Where(t => status == null || t.Status == status)
            .OrderBy(t => t.Identifier)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// One page of tenants matching <paramref name="query"/>, and how many match in all: filtered, sorted and cut in
    /// PostgreSQL, so a console over 10,000 tenants reads one page at a time.
    /// </summary>
    public async Task<TenantPage> ListPageAsync(TenantListQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tenants = db.Tenants.AsNoTracking().Where(t => query.Status == null || t.Status == query.Status);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // The search text is a literal, never a pattern of the caller's.
            var pattern = "%" + query.Search.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            tenants = tenants.Where(t => EF.Functions.ILike(t.Identifier, pattern) || EF.Functions.ILike(t.Name, pattern)
                || t.Domains.Any(d => EF.Functions.ILike(d.Host, pattern)));
        }

        var total = await tenants.CountAsync(cancellationToken);
        var sorted = (query.Sort, query.Descending) switch
        {
            (TenantSort.Name, false) => tenants.OrderBy(t => t.Name).ThenBy(t => t.Identifier),
            (TenantSort.Name, true) => tenants.OrderByDescending(t => t.Name).ThenBy(t => t.Identifier),
            (TenantSort.Created, false) => tenants.OrderBy(t => t.CreatedAt).ThenBy(t => t.Identifier),
            (TenantSort.Created, true) => tenants.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Identifier),
            (TenantSort.Status, false) => tenants.OrderBy(t => t.Status).ThenBy(t => t.Identifier),
            (TenantSort.Status, true) => tenants.OrderByDescending(t => t.Status).ThenBy(t => t.Identifier),
            (TenantSort.Plan, false) => tenants.OrderBy(t => t.Plan).ThenBy(t => t.Identifier),
            (TenantSort.Plan, true) => tenants.OrderByDescending(t => t.Plan).ThenBy(t => t.Identifier),
            (_, true) => tenants.OrderByDescending(t => t.Identifier),
            _ => tenants.OrderBy(t => t.Identifier),
        };
        var page = await sorted
            .Skip((query.Page - 1) * query.PageSize)
            .Take(query.PageSize)
            .Include(t => t.Domains)
            .ToListAsync(cancellationToken);
        return new TenantPage(page, total);
    }

    public async Task<Tenant?> FindAsync(string identifier, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Tenants.AsNoTracking().Include(t => t.Domains).FirstOrDefaultAsync(t => t.Identifier == identifier, cancellationToken);
    }

    public Task<Tenant> SuspendAsync(string identifier, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(identifier, TenantStatus.Suspended, [TenantStatus.Active, TenantStatus.Trial], cancellationToken);

    public Task<Tenant> ResumeAsync(string identifier, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(identifier, TenantStatus.Active, [TenantStatus.Suspended], cancellationToken);

    /// <summary>
    /// Soft delete: the tenant's hosts stop resolving at once; its data is dropped later by the
    /// <see cref="Deletion.TenantDataReaper"/>.
    /// </summary>
    public Task<Tenant> DeleteAsync(string identifier, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(identifier, TenantStatus.Deleted, [TenantStatus.Active, TenantStatus.Trial, TenantStatus.Suspended], cancellationToken);

    public async Task<Tenant> AddDomainAsync(string identifier, string host, bool isPrimary = false, CancellationToken cancellationToken = default)
    {
        if (validation.ValidateHost(host) is { } error)
        {
            throw new TenantValidationException(new Dictionary<string, string[]> { ["host"] = [error] });
        }

        var normalized = HostName.Normalize(host)!;
        try
        {
            return await ChangeAsync(identifier, tenant =>
            {
                if (isPrimary || tenant.Domains.Count == 0)
                {
                    tenant.Domains.ForEach(d => d.IsPrimary = false);
                    isPrimary = true;
                }

                tenant.Domains.Add(new TenantDomain { Host = normalized, TenantId = tenant.Id, IsPrimary = isPrimary });
            }, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new TenantConflictException($"The host '{normalized}' already belongs to a tenant.");
        }
    }

    public Task<Tenant> RemoveDomainAsync(string identifier, string host, CancellationToken cancellationToken = default) =>
        ChangeAsync(identifier, tenant =>
        {
            var normalized = HostName.Normalize(host);
            var domain = tenant.Domains.FirstOrDefault(d => d.Host == normalized)
                ?? throw new DomainNotFoundException($"Tenant '{identifier}' has no domain '{host}'.");
            tenant.Domains.Remove(domain);
            if (domain.IsPrimary && tenant.Domains.Count > 0)
            {
                tenant.Domains[0].IsPrimary = true;
            }
        }, cancellationToken);

    /// <summary>Sets (or, with null, clears) the tenant's own limits over its plan's; every instance applies them at once.</summary>
    public Task<Tenant> SetLimitOverridesAsync(string identifier, LimitOverrides? overrides, CancellationToken cancellationToken = default) =>
        ChangeAsync(identifier, tenant =>
        {
            tenant.RequestsPerWindow = overrides?.RequestsPerWindow;
            tenant.MaxDataBytes = overrides?.MaxDataBytes;
            tenant.MaxCacheEntries = overrides?.MaxCacheEntries;
            tenant.MaxConcurrentJobs = overrides?.MaxConcurrentJobs;
        }, cancellationToken);

    private Task<Tenant> ChangeStatusAsync(string identifier, TenantStatus target, TenantStatus[] allowedFrom, CancellationToken cancellationToken) =>
        ChangeAsync(identifier, tenant =>
        {
            if (tenant.Status == target)
            {
                return;
            }

            if (!allowedFrom.Contains(tenant.Status))
            {
                throw new TenantStateException($"Tenant '{identifier}' is {tenant.Status.ToString().ToLowerInvariant()} and cannot become {target.ToString().ToLowerInvariant()}.");
            }

            tenant.Status = target;
            if (target == TenantStatus.Deleted)
            {
                tenant.DeletedAt = clock.GetUtcNow();
            }
        }, cancellationToken, target switch
        {
            TenantStatus.Suspended => TenantLifecycleKind.Suspended,
            TenantStatus.Deleted => TenantLifecycleKind.Deleted,
            _ => TenantLifecycleKind.Resumed,
        });

    /// <summary>
    /// Applies <paramref name="change"/> to the tenant's row and saves it, if it changed anything, announcing
    /// <paramref name="kind"/> with it. Deleted tenants are gone for every change.
    /// </summary>
    private async Task<Tenant> ChangeAsync(string identifier, Action<Tenant> change, CancellationToken cancellationToken, TenantLifecycleKind? kind = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var tenant = await db.Tenants.Include(t => t.Domains)
            .FirstOrDefaultAsync(t => t.Identifier == identifier && t.Status != TenantStatus.Deleted, cancellationToken)
            ?? throw new TenantNotFoundException(identifier);
        change(tenant);
        if (!db.ChangeTracker.HasChanges())
        {
            return tenant;
        }

        tenant.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        TenantLifecycleEvent[] events = kind is { } happened ? [TenantLifecycleEvent.Of(happened, tenant, tenant.UpdatedAt)] : [];
        foreach (var lifecycleEvent in events)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({TenantLifecycleEvent.Channel}, {lifecycleEvent.ToJson()})", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await CommittedAsync(events);
        return tenant;
    }

    /// <summary>After every committed write: this instance's lookup first, then the application's handlers.</summary>
    private async Task CommittedAsync(IReadOnlyList<TenantLifecycleEvent> events)
    {
        Changed?.Invoke();
        if (events.Count > 0)
        {
            await lifecycle.RaiseAsync(events);
        }
    }
}

public enum TenantSort
{
    Identifier,
    Name,
    Created,
    Status,
    Plan,
}

/// <param name="Page">1-based.</param>
public sealed record TenantListQuery(TenantStatus? Status, string? Search, TenantSort Sort, bool Descending, int Page, int PageSize);

public sealed record TenantPage(IReadOnlyList<Tenant> Tenants, int Total);
