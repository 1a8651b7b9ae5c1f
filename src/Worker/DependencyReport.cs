using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tenancy.Worker;

/// <summary>Says at start whether the Worker reaches PostgreSQL and Redis, so a wrong connection string shows at once, not at the first job.</summary>
internal sealed partial class DependencyReport(HealthCheckService healthChecks, ILogger<DependencyReport> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var report = await healthChecks.CheckHealthAsync(stoppingToken);
        foreach (var (name, entry) in report.Entries)
        {
            LogDependency(name, entry.Status, entry.Description);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dependency {Name}: {Status} {Description}")]
    private partial void LogDependency(string name, HealthStatus status, string? description);
}
