using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tenancy.Lifecycle;

public static class TenantLifecycleExtensions
{
    /// <summary>Adds <typeparamref name="THandler"/> (a singleton) to the handlers of tenants' lifecycle events; once however often it is asked for.</summary>
    public static TenancyBuilder WithLifecycleHandler<THandler>(this TenancyBuilder tenancy)
        where THandler : class, ITenantLifecycleHandler
    {
        tenancy.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITenantLifecycleHandler, THandler>());
        return tenancy;
    }
}
