using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Context;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.Registry;

/// <summary>Reads and changes tenants' registry entries: listing, status changes and domains.</summary>
public sealed class TenantRegistry(RegistryDbContext db, TenantValidation validation, TenantLookup lookup, TimeProvider clock)
{
    public async Task<IReadOnlyList<Tenant>> ListAsync(TenantStatus? status = null, CancellationToken cancellationToken = default) =>
        await db.Tenants.AsNoTracking()
            .Include(t => t.Domains)
            .Where(t => status == null || t.Status == status)
            .OrderBy(t => t.Identifier)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// One page of tenants matching <paramref name="query"/>, and how many match in all: filtered, sorted and cut in
    /// PostgreSQL, so a console over 10,000 tenants reads one page at a time.
    /// </summary>
    public async Task<TenantPage> ListPageAsync(TenantListQuery query, CancellationToken cancellationToken = default)
    {
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

    public Task<Tenant?> FindAsync(string identifier, CancellationToken cancellationToken = default) =>
        db.Tenants.AsNoTracking().Include(t => t.Domains).FirstOrDefaultAsync(t => t.Identifier == identifier, cancellationToken);

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

        var tenant = await FindTrackedAsync(identifier, cancellationToken);
        var normalized = HostName.Normalize(host)!;
        if (isPrimary || tenant.Domains.Count == 0)
        {
            tenant.Domains.ForEach(d => d.IsPrimary = false);
            isPrimary = true;
        }

        tenant.Domains.Add(new TenantDomain { Host = normalized, TenantId = tenant.Id, IsPrimary = isPrimary });
        tenant.UpdatedAt = clock.GetUtcNow();
        try
        {
            await SaveAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new TenantConflictException($"The host '{normalized}' already belongs to a tenant.");
        }

        return tenant;
    }

    public async Task<Tenant> RemoveDomainAsync(string identifier, string host, CancellationToken cancellationToken = default)
    {
        var tenant = await FindTrackedAsync(identifier, cancellationToken);
        var normalized = HostName.Normalize(host);
        var domain = tenant.Domains.FirstOrDefault(d => d.Host == normalized)
            ?? throw new DomainNotFoundException($"Tenant '{identifier}' has no domain '{host}'.");
        tenant.Domains.Remove(domain);
        if (domain.IsPrimary && tenant.Domains.Count > 0)
        {
            tenant.Domains[0].IsPrimary = true;
        }

        tenant.UpdatedAt = clock.GetUtcNow();
        await SaveAsync(cancellationToken);
        return tenant;
    }

    /// <summary>Sets (or, with null, clears) the tenant's own limits over its plan's; every instance applies them at once.</summary>
    public async Task<Tenant> SetLimitOverridesAsync(string identifier, LimitOverrides? overrides, CancellationToken cancellationToken = default)
    {
        var tenant = await FindTrackedAsync(identifier, cancellationToken);
        tenant.RequestsPerWindow = overrides?.RequestsPerWindow;
        tenant.MaxDataBytes = overrides?.MaxDataBytes;
        tenant.MaxCacheEntries = overrides?.MaxCacheEntries;
        tenant.MaxConcurrentJobs = overrides?.MaxConcurrentJobs;
        tenant.UpdatedAt = clock.GetUtcNow();
        await SaveAsync(cancellationToken);
        return tenant;
    }

    private async Task<Tenant> ChangeStatusAsync(string identifier, TenantStatus target, TenantStatus[] allowedFrom, CancellationToken cancellationToken)
    {
        var tenant = await FindTrackedAsync(identifier, cancellationToken);
        if (tenant.Status == target)
        {
            return tenant;
        }

        if (!allowedFrom.Contains(tenant.Status))
        {
            throw new TenantStateException($"Tenant '{identifier}' is {tenant.Status.ToString().ToLowerInvariant()} and cannot become {target.ToString().ToLowerInvariant()}.");
        }

        tenant.Status = target;
        tenant.UpdatedAt = clock.GetUtcNow();
        if (target == TenantStatus.Deleted)
        {
            tenant.DeletedAt = tenant.UpdatedAt;
        }

        await SaveAsync(cancellationToken);
        return tenant;
    }

    // Other instances hear of the change through the registry's NOTIFY; this one must not wait for it.
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        lookup.Invalidate();
    }

    /// <summary>Deleted tenants are gone for every operation but listing.</summary>
    private async Task<Tenant> FindTrackedAsync(string identifier, CancellationToken cancellationToken) =>
        await db.Tenants.Include(t => t.Domains)
            .FirstOrDefaultAsync(t => t.Identifier == identifier && t.Status != TenantStatus.Deleted, cancellationToken)
        ?? throw new TenantNotFoundException(identifier);
}

/// <summary>A status change the tenant's current status does not allow.</summary>
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

public sealed class TenantStateException(string message) : Exception(message);

public sealed class DomainNotFoundException(string message) : Exception(message);
