using System.Diagnostics;
using Hangfire.Client;
using Tenancy.Context;
using Tenancy.Telemetry;

namespace Tenancy.Jobs.Context;

/// <summary>
/// Runs wherever a job is created (the Api, or a job enqueueing another): stamps the current tenant and the W3C trace
/// context on the job, so the Worker can run it as that tenant and continue the same trace. Platform jobs
/// (<see cref="PlatformJobAttribute"/>) never carry a tenant.
/// </summary>
internal sealed class TenantJobClientFilter(ITenantContextAccessor tenants) : IClientFilter
{
    private const string ActivityItem = "Tenancy.Jobs.EnqueueActivity";

    public void OnCreating(CreatingContext context)
    {
        var tenant = PlatformJobAttribute.IsDefinedOn(context.Job) ? null : tenants.Current;

        // A producer span around the creation; the job's own span becomes its child in the Worker.
        var activity = TenantJobsTelemetry.ActivitySource.StartActivity($"enqueue {TenantJobNames.Operation(context.Job)}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "hangfire").SetTag("messaging.operation.type", "create");
        context.Items[ActivityItem] = activity;

        if (tenant is not null)
        {
            context.SetJobParameter(TenantJobParameters.TenantId, tenant.Id.ToString());
            context.SetJobParameter(TenantJobParameters.Tenant, tenant.Identifier);
            activity.SetTenantTags(tenant);
        }

        context.SetJobParameter(TenantJobParameters.DisplayName, TenantJobNames.Display(context.Job, tenant?.Identifier));
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            context.SetJobParameter(TenantJobParameters.TraceParent, current.Id);
            if (current.TraceStateString is { Length: > 0 } traceState)
            {
                context.SetJobParameter(TenantJobParameters.TraceState, traceState);
            }
        }
    }

    public void OnCreated(CreatedContext context)
    {
        if (context.Items.TryGetValue(ActivityItem, out var item) && item is Activity activity)
        {
            activity.SetTag("messaging.message.id", context.BackgroundJob?.Id);
            if (context.Exception is { } exception)
            {
                activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            }

            activity.Dispose();
        }
    }
}
