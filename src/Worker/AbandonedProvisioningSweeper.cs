using Microsoft.Extensions.Options;
using Tenancy.Provisioning;

namespace Tenancy.Worker;

/// <summary>
/// Removes database-tier creations interrupted and not retried (their database, then their row), every
/// <c>Tenancy:Provisioning:SweepIntervalSeconds</c>; see <see cref="AbandonedProvisioningReaper"/>.
/// </summary>
internal sealed partial class AbandonedProvisioningSweeper(
    AbandonedProvisioningReaper reaper,
    IOptions<ProvisioningOptions> options,
    ILogger<AbandonedProvisioningSweeper> logger) : TenantSweeper(logger)
{
    protected override string What => "abandoned tenant creations";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds);

    protected override Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken) => reaper.RemoveAbandonedAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed the abandoned creation of tenant {Identifier} (its database and registry row); a new request can create it again")]
    protected override partial void LogSwept(string identifier);
}
