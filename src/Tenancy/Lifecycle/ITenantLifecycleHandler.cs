namespace Tenancy.Lifecycle;

/// <summary>
/// An application's hook on tenants' lifecycle (<c>tenancy.WithLifecycleHandler&lt;T&gt;()</c>): called after the
/// change committed, in the process that made it (the Api, the CLI, the Worker), once per event, in order. A handler
/// that throws is logged and does not undo the change; work that must not be lost belongs in a job the handler
/// enqueues, and other services hear the same events on <see cref="TenantLifecycleEvent.Channel"/>.
/// </summary>
public interface ITenantLifecycleHandler
{
    Task HandleAsync(TenantLifecycleEvent lifecycleEvent, CancellationToken cancellationToken);
}
