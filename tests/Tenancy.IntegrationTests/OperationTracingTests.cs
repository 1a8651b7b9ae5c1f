using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Tenancy.IntegrationTests.Jobs;
using Tenancy.Telemetry;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests;

/// <summary>
/// The services' tracing (ServiceDefaults) records operations, not background chatter: a job server that only polls
/// its storage exports nothing, while a job's own database spans are exported under it, tagged with its tenant.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OperationTracingTests(PostgresFixture fixture)
{
    private const string NpgsqlSource = "Npgsql";

    [Fact]
    public async Task An_idle_job_server_exports_no_spans_and_a_job_exports_its_database_spans_tagged_with_its_tenant()
    {
        var exported = new List<Activity>();
        var backgroundCommands = 0;
        // Sees every Npgsql command that something wanted a span for, recorded or not, and samples none itself.
        using var commands = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NpgsqlSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStarted = activity =>
            {
                if (activity.Parent is null && activity.ParentSpanId == default)
                {
                    Interlocked.Increment(ref backgroundCommands);
                }
            },
        };
        ActivitySource.AddActivityListener(commands);

        var host = await JobsHost.StartAsync(fixture, configure: builder =>
        {
            builder.ConfigureOpenTelemetry();
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(exported));
        });
        string jobId;
        TenantInfo tenant;
        try
        {
            // Startup (Hangfire's schema, the registry's LISTEN) and provisioning ran outside any operation too.
            (tenant, var productId) = await host.CreateTenantAsync("trace");
            var before = Volatile.Read(ref backgroundCommands);
            await Task.Delay(TimeSpan.FromSeconds(3));

            Assert.True(Volatile.Read(ref backgroundCommands) > before, "the job server sent no command while idle, so the test proves nothing");
            Assert.Empty(exported);

            jobId = host.Enqueue<IProbeJob>(tenant, job => job.ProbeAsync(7, productId, CancellationToken.None));
            Assert.Equal("Succeeded", (await host.WaitForFinalStateAsync(jobId)).Name);
            host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        }
        finally
        {
            // Nothing runs once the host has stopped, so the spans can be read without racing the exporter.
            await host.DisposeAsync();
        }

        var perform = Assert.Single(exported, s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem("messaging.message.id") == jobId);
        // The probe's two reads of its tenant's products, run as the tenant (Hangfire's own reads of the job's
        // parameters, which tell which tenant that is, come before it is current).
        var reads = exported.Where(s => s.Source.Name == NpgsqlSource && s.ParentSpanId == perform.SpanId
            && s.GetTagItem("db.query.text") is string sql && sql.Contains(".products", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, read =>
        {
            Assert.Equal(ActivityKind.Client, read.Kind);
            Assert.Equal(tenant.Identifier, read.GetTagItem(TenantActivityProcessor.TenantIdentifierTag));
        });
        // The enqueue started the trace; everything exported belongs to it, and the polling around it to none.
        Assert.All(exported, span => Assert.Equal(perform.TraceId, span.TraceId));
    }
}
