using Microsoft.Extensions.DependencyInjection;
using Tenancy.Tenants;

namespace Tenancy.Context;

/// <summary>
/// Code running as one tenant outside a request, like django-tenants' <c>tenant_context</c>: the tenant is current
/// and <see cref="Services"/> is a fresh DI scope whose DbContexts, caches and loggers belong to it.
/// Disposing restores the outer tenant.
/// </summary>
public sealed class TenantScope : IAsyncDisposable, IDisposable
{
    private readonly IDisposable _ambient;
    private readonly AsyncServiceScope _services;

    internal TenantScope(TenantInfo tenant, IServiceScopeFactory scopes)
    {
        Tenant = tenant;
        // The tenant is made current first, so that everything the scope builds sees it.
        _ambient = TenantContext.Enter(tenant);
        _services = scopes.CreateAsyncScope();
    }

    public TenantInfo Tenant { get; }

    public IServiceProvider Services => _services.ServiceProvider;

    // Not async: the ambient tenant must be restored in the caller's own async flow.
    public ValueTask DisposeAsync()
    {
        _ambient.Dispose();
        return _services.DisposeAsync();
    }

    public void Dispose()
    {
        _ambient.Dispose();
        ((IDisposable)_services).Dispose();
    }
}
