using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Context;
using Tenancy.Isolation;
using Tenancy.Jobs.Outbox;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.Jobs.Context;

/// <summary>
/// Builds each job's DI scope as its tenant. Hangfire's server filters run before the activator's scope, and every
/// scoped service (a tenant DbContext captures the tenant when it is built) must see the tenant: so the tenant is
/// restored here, from the job's parameters, checked against the registry, before the scope exists
/// (<see cref="TenantScopeFactory.BeginScope"/>). A tenant job without a usable tenant is refused and never runs.
/// </summary>
internal sealed class TenantJobActivator(IServiceScopeFactory scopes, TenantScopeFactory tenantScopes, TenantLookup lookup, TimeProvider clock) : JobActivator
{
    public override object ActivateJob(Type jobType) =>
        throw new InvalidOperationException("Jobs are activated in a scope of their own; see BeginScope.");

    public override JobActivatorScope BeginScope(JobActivatorContext context)
    {
        var job = context.BackgroundJob.Job;
        var claim = TenantJobClaim.Read(name => context.GetJobParameter<string>(name, allowStale: true));
        if (PlatformJobAttribute.IsDefinedOn(job))
        {
            return claim is null
                ? new Scope(scopes.CreateAsyncScope())
                : throw new TenantJobRejectedException(
                    TenantJobRejection.ConflictingTenant, $"{TenantJobNames.Operation(job)} is platform work but carries tenant '{claim.Identifier}'; it was not run.");
        }

        if (claim is null)
        {
            throw new TenantJobRejectedException(
                TenantJobRejection.MissingTenant,
                $"{TenantJobNames.Operation(job)} needs a tenant but was enqueued without one: enqueue it while a tenant is current, or mark it [PlatformJob].");
        }

        // Hangfire performs jobs on dedicated threads, so waiting here blocks no request; lookups are cached in memory.
        var tenant = lookup.FindByIdentifierAsync(claim.Identifier, context.CancellationToken.ShutdownToken).AsTask().GetAwaiter().GetResult();
        if (Refusal(tenant, claim) is { } refusal)
        {
            throw refusal;
        }

        PerformingJob.Current?.Verified(tenant!);
        var scope = tenantScopes.BeginScope(tenant!);
        try
        {
            ClaimOutboxEntry(context, scope);
        }
        catch
        {
            scope.Dispose();
            throw;
        }

        return new Scope(scope);
    }

    /// <summary>A job enqueued through the outbox runs only if the transaction that enqueued it committed.</summary>
    private void ClaimOutboxEntry(JobActivatorContext context, TenantScope scope)
    {
        if (context.GetJobParameter<string>(TenantJobParameters.OutboxEntry, allowStale: true) is not { } value)
        {
            return;
        }

        var operation = TenantJobNames.Operation(context.BackgroundJob.Job);
        if (!Guid.TryParse(value, out var entryId))
        {
            throw new TenantJobRejectedException(TenantJobRejection.ConflictingTenant, $"{operation} names no valid outbox entry ('{value}'); it was not run.");
        }

        var db = scope.Services.GetRequiredService<TenantDbContext>();
        if (!JobOutboxClaim.TryClaimAsync(db, entryId, context.BackgroundJob.Id, clock.GetUtcNow(), context.CancellationToken.ShutdownToken).GetAwaiter().GetResult())
        {
            throw new TenantJobRejectedException(
                TenantJobRejection.NotCommitted, $"{operation} was enqueued in a transaction that did not commit (outbox entry {entryId}); it was not run.");
        }
    }

    private static TenantJobRejectedException? Refusal(TenantInfo? tenant, TenantJobClaim claim) => tenant switch
    {
        null => new(TenantJobRejection.UnknownTenant, $"There is no tenant '{claim.Identifier}'; the job was not run."),
        _ when tenant.Id != claim.TenantId => new(
            TenantJobRejection.ConflictingTenant,
            $"The job's tenant parameters name two different tenants ('{claim.Identifier}' and {claim.TenantId}); it was not run."),
        { Status: TenantStatus.Deleted } => new(TenantJobRejection.TenantDeleted, $"Tenant '{claim.Identifier}' is deleted; the job was not run."),
        { Status: TenantStatus.Suspended } => new(TenantJobRejection.TenantSuspended, $"Tenant '{claim.Identifier}' is suspended; the job was not run."),
        _ => null,
    };

    private sealed class Scope : JobActivatorScope
    {
        private readonly IServiceProvider _services;
        private readonly IDisposable _owner;

        public Scope(TenantScope tenantScope) => (_services, _owner) = (tenantScope.Services, tenantScope);

        public Scope(AsyncServiceScope serviceScope) => (_services, _owner) = (serviceScope.ServiceProvider, serviceScope);

        public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(_services, type);

        // Disposing a TenantScope also restores the worker thread's previous (no) tenant.
        public override void DisposeScope() => _owner.Dispose();
    }
}
