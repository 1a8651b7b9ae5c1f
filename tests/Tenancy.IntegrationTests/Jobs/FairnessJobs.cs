using System.Collections.Concurrent;
using System.Diagnostics;
using Tenancy.Context;

namespace Tenancy.IntegrationTests.Jobs;

public interface IFairnessJob
{
    /// <summary>Notes when it started (for its tenant and sequence), then works for <paramref name="milliseconds"/>.</summary>
    Task WorkAsync(int sequence, int milliseconds, CancellationToken cancellationToken);
}

internal sealed class FairnessLog
{
    /// <summary>When each job started, by tenant and sequence (<see cref="Stopwatch"/> timestamps).</summary>
    public ConcurrentDictionary<(string Tenant, int Sequence), long> Started { get; } = new();

    public int StartedOf(string tenant) => Started.Keys.Count(k => k.Tenant == tenant);
}

internal sealed class FairnessJob(ITenantContextAccessor tenants, FairnessLog log) : IFairnessJob
{
    public Task WorkAsync(int sequence, int milliseconds, CancellationToken cancellationToken)
    {
        log.Started[(tenants.Current!.Identifier, sequence)] = Stopwatch.GetTimestamp();
        return Task.Delay(milliseconds, cancellationToken);
    }
}
