using Microsoft.Extensions.DependencyInjection;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.Context;

/// <summary>Runs code as a tenant outside a request: jobs, the CLI, migrations, tests.</summary>
public sealed class TenantScopeFactory(IServiceScopeFactory scopes, TenantLookup lookup)
{
    /// <summary>
    /// <c>await using var scope = tenants.BeginScope(tenant);</c> — the tenant is current until the scope is disposed.
    /// </summary>
    public TenantScope BeginScope(TenantInfo tenant) => new(tenant, scopes);

    /// <summary>Runs <paramref name="work"/> as the tenant named <paramref name="identifier"/>.</summary>
    /// <exception cref="TenantNotFoundException">No such tenant, or it is deleted or still being created.</exception>
    public async Task<T> RunAsync<T>(string identifier, Func<TenantScope, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var tenant = await lookup.FindByIdentifierAsync(identifier, cancellationToken);
        if (tenant is null || tenant.Status is TenantStatus.Deleted or TenantStatus.Provisioning)
        {
            throw new TenantNotFoundException(identifier);
        }

        await using var scope = BeginScope(tenant);
        return await work(scope);
    }

    public Task RunAsync(string identifier, Func<TenantScope, Task> work, CancellationToken cancellationToken = default) =>
        RunAsync(identifier, async scope =>
        {
            await work(scope);
            return true;
        }, cancellationToken);
}
