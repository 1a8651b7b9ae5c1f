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

    /// <summary>Each tenant's jobs running now, and the most that ever ran at once.</summary>
    public ConcurrentDictionary<string, int> Running { get; } = new();

    public ConcurrentDictionary<string, int> Peak { get; } = new();
}

internal sealed class FairnessJob(ITenantContextAccessor tenants, FairnessLog log) : IFairnessJob
{
    public async Task WorkAsync(int sequence, int milliseconds, CancellationToken cancellationToken)
    {
        var tenant = tenants.Current!.Identifier;
        log.Started[(tenant, sequence)] = Stopwatch.GetTimestamp();
        var running = log.Running.AddOrUpdate(tenant, 1, (_, n) => n + 1);
        log.Peak.AddOrUpdate(tenant, running, (_, peak) => Math.Max(peak, running));
        try
        {
            await Task.Delay(milliseconds, cancellationToken);
        }
        finally
        {
            log.Running.AddOrUpdate(tenant, 0, (_, n) => n - 1);
        }
    }
}
