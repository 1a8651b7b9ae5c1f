namespace Tenancy.Jobs;

/// <summary>The job parameters (stored beside each Hangfire job) that carry its tenant and its trace.</summary>
public static class TenantJobParameters
{
    public const string TenantId = "TenantId";

    public const string Tenant = "Tenant";

    /// <summary>The W3C trace context of the code that enqueued the job.</summary>
    public const string TraceParent = "traceparent";

    public const string TraceState = "tracestate";

    /// <summary>What the job is, for people: <c>acme: SendOrderConfirmation #0198…</c>.</summary>
    public const string DisplayName = "DisplayName";

    /// <summary>The outbox entry a job enqueued with its tenant's data waits for (see <c>JobOutbox</c>).</summary>
    public const string OutboxEntry = "OutboxEntry";
}
