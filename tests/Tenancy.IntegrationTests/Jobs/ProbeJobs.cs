using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Tenancy.Caching;
using Tenancy.Context;
using Tenancy.Jobs;
using Tenancy.Sales;

namespace Tenancy.IntegrationTests.Jobs;

// Jobs that report what they saw, so tests can check every layer a tenant job touches.

public interface IProbeJob
{
    /// <param name="productId">A product to look up as the job's tenant (another tenant's id must not be found).</param>
    Task ProbeAsync(int sequence, Guid productId, CancellationToken cancellationToken);
}

[PlatformJob]
public interface IPlatformProbeJob
{
    Task ProbeAsync(int sequence, CancellationToken cancellationToken);
}

/// <summary>What one run of a probe saw.</summary>
internal sealed record ProbeObservation(
    int Sequence,
    string? AmbientTenant,
    string? DbContextTenant,
    IReadOnlyList<string> ProductSkus,
    bool FoundProduct,
    string? CachedIdentity,
    string? TraceId,
    string? SpanTenant,
    string? JobId);

internal sealed class ProbeLog
{
    private int _running;
    private int _mostConcurrent;

    public ConcurrentDictionary<int, ProbeObservation> Observations { get; } = new();

    /// <summary>How often each sequence ran (an observation keeps only the last run).</summary>
    public ConcurrentDictionary<int, int> Runs { get; } = new();

    /// <summary>The most probes that ran at the same time.</summary>
    public int MostConcurrent => Volatile.Read(ref _mostConcurrent);

    public IDisposable Running()
    {
        var running = Interlocked.Increment(ref _running);
        int most;
        while (running > (most = Volatile.Read(ref _mostConcurrent)) && Interlocked.CompareExchange(ref _mostConcurrent, running, most) != most)
        {
        }

        return new Exit(this);
    }

    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (Observations.Count < count)
        {
            Assert.True(waited.Elapsed < timeout, $"only {Observations.Count} of {count} probes ran within {timeout.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }

    private sealed class Exit(ProbeLog log) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref log._running);
    }
}

internal sealed partial class ProbeJob(
    ITenantContextAccessor tenants,
    SalesDbContext db,
    TenantCache cache,
    ProbeLog log,
    ILogger<ProbeJob> logger) : IProbeJob
{
    public async Task ProbeAsync(int sequence, Guid productId, CancellationToken cancellationToken)
    {
        using var running = log.Running();
        var skus = await db.Products.Select(p => p.Sku).ToListAsync(cancellationToken);
        var found = await db.Products.AnyAsync(p => p.Id == productId, cancellationToken);
        // The same logical key for every tenant: a key that reached another tenant's space would return its identity.
        // (Read before: HybridCache runs factories without the caller's async context, so not as the tenant.)
        var me = tenants.Current?.Identifier ?? "none";
        var identity = await cache.GetOrCreateAsync("probe", "whoami", _ => ValueTask.FromResult(me), cancellationToken);
        LogProbed(sequence);
        log.Runs.AddOrUpdate(sequence, 1, (_, runs) => runs + 1);
        log.Observations[sequence] = new ProbeObservation(
            sequence,
            tenants.Current?.Identifier,
            db.Tenant?.Identifier,
            skus,
            found,
            identity,
            Activity.Current?.TraceId.ToHexString(),
            Activity.Current?.GetTagItem("tenant.identifier") as string,
            PerformingJob.Current?.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Probe {Sequence} ran")]
    private partial void LogProbed(int sequence);
}

internal sealed class PlatformProbeJob(ITenantContextAccessor tenants, ProbeLog log) : IPlatformProbeJob
{
    public Task ProbeAsync(int sequence, CancellationToken cancellationToken)
    {
        log.Observations[sequence] = new ProbeObservation(sequence, tenants.Current?.Identifier, null, [], false, null, null, null, PerformingJob.Current?.Id);
        return Task.CompletedTask;
    }
}
