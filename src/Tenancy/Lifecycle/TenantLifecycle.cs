using Microsoft.Extensions.Logging;

namespace Tenancy.Lifecycle;

/// <summary>Hands committed lifecycle events to the application's handlers.</summary>
public sealed partial class TenantLifecycle(IEnumerable<ITenantLifecycleHandler> handlers, ILogger<TenantLifecycle> logger)
{
    private readonly ITenantLifecycleHandler[] _handlers = [.. handlers];

    internal async Task RaiseAsync(IReadOnlyList<TenantLifecycleEvent> events)
    {
        foreach (var lifecycleEvent in events)
        {
            foreach (var handler in _handlers)
            {
                try
                {
                    // The change has committed: a caller's cancellation no longer stops what follows from it.
                    await handler.HandleAsync(lifecycleEvent, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    LogHandlerFailed(ex, handler.GetType().Name, lifecycleEvent.Kind, lifecycleEvent.Identifier);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Lifecycle handler {Handler} failed on {Kind} of tenant {TenantIdentifier}; the change stands.")]
    private partial void LogHandlerFailed(Exception exception, string handler, TenantLifecycleKind kind, string tenantIdentifier);
}
