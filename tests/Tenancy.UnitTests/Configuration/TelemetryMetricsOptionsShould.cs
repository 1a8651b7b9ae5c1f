using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Tenancy.UnitTests.Configuration;

public sealed class TelemetryMetricsOptionsShould
{
    [Fact]
    public void Cap_every_metric_at_the_configured_cardinality_limit()
    {
        var exporter = new PointCounter();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:Metrics:CardinalityLimit"] = "3" });
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddReader(new BaseExportingMetricReader(exporter)));
        using var host = builder.Build();
        var provider = host.Services.GetRequiredService<MeterProvider>();
        using var meter = new Meter("Tenancy.UnitTests.Cardinality");
        var counter = meter.CreateCounter<long>("tenancy.test.requests");

        foreach (var tenant in new[] { "a", "b", "c", "d", "e", "f" })
        {
            counter.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
        }

        provider.ForceFlush();

        // Six series asked for: the limit's three, and the overflow series that takes the rest.
        Assert.Equal(4, exporter.Points["tenancy.test.requests"]);
    }

    private sealed class PointCounter : BaseExporter<Metric>
    {
        public Dictionary<string, int> Points { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                var points = 0;
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    points++;
                }

                Points[metric.Name] = points;
            }

            return ExportResult.Success;
        }
    }
}
