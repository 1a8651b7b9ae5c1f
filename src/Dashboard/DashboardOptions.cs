namespace Tenancy.Dashboard;

/// <summary>How much telemetry the dashboard keeps (section <c>Dashboard</c>); the oldest goes first once a limit is reached.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    public int MaxSpans { get; set; } = 10_000;

    public int MaxLogs { get; set; } = 10_000;

    public int MaxMetricPoints { get; set; } = 20_000;

    /// <summary>Attributes kept per span or log record; the rest are counted as dropped, as OTLP does.</summary>
    public int MaxAttributes { get; set; } = 64;
}
