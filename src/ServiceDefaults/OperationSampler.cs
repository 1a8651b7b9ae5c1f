using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Records the traces of operations (a request, a job, an enqueue, a span Tenancy starts) and not the work done
/// outside any: a client span with no parent (a PostgreSQL or Redis command, an outgoing HTTP call) is Hangfire's
/// storage polling, the registry's LISTEN loop, a migration at startup. Those made about a dozen one-span traces a
/// second, which pushed a tenant's traces out of a bounded trace store within minutes (and cost ingestion where
/// it is billed). Every other span follows its parent, as with OpenTelemetry's default sampler, so the client spans
/// under a request or a job are kept.
/// </summary>
internal static class OperationSampler
{
    public static Sampler Instance { get; } = new ParentBasedSampler(new RootSampler());

    private sealed class RootSampler : Sampler
    {
        private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
        private static readonly SamplingResult Record = new(SamplingDecision.RecordAndSample);

        public RootSampler() => Description = "RecordRootsExceptClientSpans";

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            samplingParameters.Kind == ActivityKind.Client ? Drop : Record;
    }
}
