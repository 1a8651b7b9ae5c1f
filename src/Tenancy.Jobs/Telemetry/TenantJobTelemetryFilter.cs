using System.Collections;
using System.Diagnostics;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Tenancy.Telemetry;
using Tenancy.Usage;

namespace Tenancy.Jobs.Telemetry;

/// <summary>
/// Around every performed job: a consumer span that continues the trace of the code that enqueued it (its parent is
/// the enqueue span), tagged with the job's tenant, and a logging scope with the tenant and the job, so every log line
/// written while the job runs says whose work it was; and <see cref="PerformingJob.Current"/>. All are ambient, so they reach the job's code and its scope.
/// </summary>
internal sealed class TenantJobTelemetryFilter(ILoggerFactory loggers, UsageMeter? usage = null) : IServerFilter
{
    private const string StateItem = "Tenancy.Jobs.Telemetry";

    private readonly ILogger _logger = loggers.CreateLogger("Tenancy.Jobs");

    public void OnPerforming(PerformingContext context)
    {
        var tenantId = Parameter(context, TenantJobParameters.TenantId);
        var tenant = Parameter(context, TenantJobParameters.Tenant);
        var displayName = Parameter(context, TenantJobParameters.DisplayName) ?? TenantJobNames.Display(context.BackgroundJob.Job, tenant);
        ActivityContext.TryParse(
            Parameter(context, TenantJobParameters.TraceParent), Parameter(context, TenantJobParameters.TraceState), isRemote: true, out var parent);

        var activity = TenantJobsTelemetry.ActivitySource.StartActivity(
            $"perform {TenantJobNames.Operation(context.BackgroundJob.Job)}", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "hangfire")
            .SetTag("messaging.operation.type", "process")
            .SetTag("messaging.message.id", context.BackgroundJob.Id)
            .SetTag("job.display_name", displayName);
        if (tenant is not null)
        {
            activity?.SetTag(TenantActivityProcessor.TenantIdTag, tenantId).SetTag(TenantActivityProcessor.TenantIdentifierTag, tenant);
        }

        var scope = _logger.BeginScope(new JobLogScope(context.BackgroundJob.Id, displayName, tenantId, tenant));
        context.Items[StateItem] = new RunningJob(activity, scope, Guid.TryParse(tenantId, out var id) ? id : null);
        PerformingJob.Set(new PerformingJob(context.BackgroundJob.Id, displayName));
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.TryGetValue(StateItem, out var item) || item is not RunningJob (var activity, var scope, var tenantJob))
        {
            return;
        }

        if (context.Exception is { } exception)
        {
            var cause = exception.InnerException ?? exception;
            activity?.SetStatus(ActivityStatusCode.Error, cause.Message).SetTag("error.type", cause.GetType().FullName);
        }

        // A job run for the tenant's usage (where the host meters usage: the Worker), whatever its outcome.
        if (tenantJob is { } tenantId)
        {
            usage?.RecordJobRun(tenantId);
        }

        PerformingJob.Set(null);
        scope?.Dispose();
        activity?.Dispose();
    }

    // Unreadable parameters are the activator's to refuse; telemetry just goes without them.
    private static string? Parameter(PerformContext context, string name)
    {
        try
        {
            return context.GetJobParameter<string>(name, allowStale: true);
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }

    private sealed record RunningJob(Activity? Activity, IDisposable? Scope, Guid? TenantId);

    /// <summary>Structured for log exporters (TenantId, Tenant, JobId), readable on the console.</summary>
    private sealed class JobLogScope(string jobId, string displayName, string? tenantId, string? tenant) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _values =
        [
            new("JobId", jobId),
            new("Job", displayName),
            new("TenantId", tenantId),
            new("Tenant", tenant),
            // The names requests use too, so a log search by tenant finds the Worker's lines as well as the Api's.
            new(TenantActivityProcessor.TenantIdTag, tenantId),
            new(TenantActivityProcessor.TenantIdentifierTag, tenant),
        ];

        public int Count => _values.Length;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"Job {jobId} ({displayName})";
    }
}
