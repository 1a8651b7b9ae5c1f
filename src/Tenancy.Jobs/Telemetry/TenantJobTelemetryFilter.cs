using System.Collections;
using System.Diagnostics;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Tenancy.Telemetry;
using Tenancy.Usage;

namespace Tenancy.Jobs.Telemetry;

/// <summary>
/// Around every performed job: a consumer span that continues the trace of the code that enqueued it (its parent is
/// the enqueue span), a logging scope with the job, and <see cref="PerformingJob.Current"/>, all ambient so they reach
/// the job's code and its scope. The job's tenant is added to the span, the scope and usage only once the activator has
/// verified it (<see cref="PerformingJob.Verified"/>): a job's parameters can be written by anyone with Hangfire's
/// tables, so a tampered job shows no tenant it claimed.
/// </summary>
internal sealed class TenantJobTelemetryFilter(ILoggerFactory loggers, UsageMeter? usage = null) : IServerFilter
{
    private const string StateItem = "Tenancy.Jobs.Telemetry";

    private readonly ILogger _logger = loggers.CreateLogger("Tenancy.Jobs");

    public void OnPerforming(PerformingContext context)
    {
        ActivityContext.TryParse(
            Parameter(context, TenantJobParameters.TraceParent), Parameter(context, TenantJobParameters.TraceState), isRemote: true, out var parent);

        var activity = TenantJobsTelemetry.ActivitySource.StartActivity(
            $"perform {TenantJobNames.Operation(context.BackgroundJob.Job)}", ActivityKind.Consumer, parent);
        var job = new PerformingJob(context.BackgroundJob.Id, context.BackgroundJob.Job, activity);
        activity?.SetTag("messaging.system", "hangfire")
            .SetTag("messaging.operation.type", "process")
            .SetTag("messaging.message.id", job.Id)
            .SetTag(TenantJobsTelemetry.DisplayNameTag, job.DisplayName);

        var scope = _logger.BeginScope(new JobLogScope(job));
        context.Items[StateItem] = new RunningJob(activity, scope, job);
        PerformingJob.Set(job);
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.TryGetValue(StateItem, out var item) || item is not RunningJob (var activity, var scope, var job))
        {
            return;
        }

        if (context.Exception is { } exception)
        {
            var cause = exception.InnerException ?? exception;
            activity?.SetStatus(ActivityStatusCode.Error, cause.Message).SetTag("error.type", cause.GetType().FullName);
        }

        // A job run for the tenant's usage (where the host meters usage: the Worker), whatever its outcome once it ran.
        if (job.Tenant is { } tenant)
        {
            usage?.RecordJobRun(tenant.Id);
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

    private sealed record RunningJob(Activity? Activity, IDisposable? Scope, PerformingJob Job);

    /// <summary>Structured for log exporters (TenantId, Tenant, JobId), readable on the console; the tenant once verified.</summary>
    private sealed class JobLogScope(PerformingJob job) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 6;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("JobId", job.Id),
            1 => new("Job", job.DisplayName),
            2 => new("TenantId", job.Tenant?.Id.ToString()),
            3 => new("Tenant", job.Tenant?.Identifier),
            // The names requests use too, so a log search by tenant finds the Worker's lines as well as the Api's.
            4 => new(TenantActivityProcessor.TenantIdTag, job.Tenant?.Id.ToString()),
            5 => new(TenantActivityProcessor.TenantIdentifierTag, job.Tenant?.Identifier),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"Job {job.Id} ({job.DisplayName})";
    }
}
