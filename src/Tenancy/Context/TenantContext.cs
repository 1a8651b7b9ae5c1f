using Tenancy.Tenants;

namespace Tenancy.Context;

/// <summary>Who the code is running for right now.</summary>
public interface ITenantContextAccessor
{
    /// <summary>The current tenant, or null on the platform (no tenant).</summary>
    TenantInfo? Current { get; }
}

/// <summary>
/// The ambient tenant, carried by the async flow (AsyncLocal): set for a request by the resolution middleware,
/// or for any code by <see cref="TenantScopeFactory.BeginScope"/>; concurrent requests and tasks never see each other's.
/// </summary>
public sealed class TenantContext : ITenantContextAccessor
{
    private static readonly AsyncLocal<TenantInfo?> Ambient = new();

    public TenantInfo? Current => Ambient.Value;

    /// <summary>
    /// Makes <paramref name="tenant"/> current until the result is disposed, which restores the previous tenant.
    /// Synchronous on purpose: an AsyncLocal set inside an async method does not flow back to its caller.
    /// </summary>
    public static IDisposable Enter(TenantInfo? tenant)
    {
        var previous = Ambient.Value;
        Ambient.Value = tenant;
        return new Restore(previous);
    }

    private sealed class Restore(TenantInfo? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Ambient.Value = previous;
            }
        }
    }
}
