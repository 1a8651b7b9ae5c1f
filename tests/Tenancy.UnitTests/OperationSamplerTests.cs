using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Tenancy.UnitTests;

public sealed class OperationSamplerTests
{
    private static readonly ActivityContext RecordedParent = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
    private static readonly ActivityContext UnrecordedParent = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);

    [Theory]
    [InlineData(ActivityKind.Server)]
    [InlineData(ActivityKind.Consumer)]
    [InlineData(ActivityKind.Producer)]
    [InlineData(ActivityKind.Internal)]
    public void An_operation_that_starts_a_trace_is_recorded(ActivityKind kind) =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(default, kind));

    [Fact]
    public void A_client_span_outside_any_operation_is_not_recorded() =>
        Assert.Equal(SamplingDecision.Drop, Decide(default, ActivityKind.Client));

    [Theory]
    [InlineData(ActivityKind.Client)]
    [InlineData(ActivityKind.Internal)]
    public void A_span_under_a_recorded_operation_is_recorded(ActivityKind kind) =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(RecordedParent, kind));

    [Fact]
    public void A_span_under_an_operation_that_is_not_recorded_is_not_recorded_either() =>
        Assert.Equal(SamplingDecision.Drop, Decide(UnrecordedParent, ActivityKind.Client));

    [Fact]
    public void A_job_continuing_a_recorded_remote_trace_is_recorded()
    {
        var enqueued = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(enqueued, ActivityKind.Consumer));
    }

    private static SamplingDecision Decide(ActivityContext parent, ActivityKind kind) =>
        OperationSampler.Instance.ShouldSample(new SamplingParameters(
            parent, parent == default ? ActivityTraceId.CreateRandom() : parent.TraceId, "span", kind)).Decision;
}
