using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tenancy.Worker;

/// <summary>Says at start whether the Worker reaches PostgreSQL and Redis, so a wrong connection string shows at once, not at the first job.</summary>
internal sealed partial class DependencyReport(HealthCheckService healthChecks, ILogger<DependencyReport> logger) : BackgroundService
{
    // Long enough for a connection attempt to time out; a check that never answers does not hold the Worker longer.
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not the stopping token: a stop during the report would cancel a check in flight, which the check reports as
        // Unhealthy and the health check service logs as an error; the servers outlive the Worker, so it just finishes.
        using var timeout = new CancellationTokenSource(ReportTimeout);
        var report = await healthChecks.CheckHealthAsync(timeout.Token);
        foreach (var (name, entry) in report.Entries)
        {
            LogDependency(name, entry.Status, entry.Description);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dependency {Name}: {Status} {Description}")]
    private partial void LogDependency(string name, HealthStatus status, string? description);
}
