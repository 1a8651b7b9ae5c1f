using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary><c>Telemetry:Metrics</c>: what every service's metrics may hold.</summary>
public sealed class TelemetryMetricsOptions
{
    public const string SectionName = "Telemetry:Metrics";

    /// <summary>
    /// Series per metric; past it new series fold into one overflow series instead of growing without bound. At most
    /// 100,000, since OpenTelemetry allocates every metric's points up front.
    /// </summary>
    [Range(1, 100_000)]
    public int CardinalityLimit { get; set; } = 1000;
}
