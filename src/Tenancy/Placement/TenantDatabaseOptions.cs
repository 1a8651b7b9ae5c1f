namespace Tenancy.Placement;

/// <summary>
/// Configuration section <c>Tenancy:Databases</c>: how many connections database-tier tenants may hold. Each tenant
/// database gets a small pool; at most <see cref="MaxConnections"/> / <see cref="MaxPoolSizePerDatabase"/> pools
/// are open at once, so the total across tenant databases never passes <see cref="MaxConnections"/>.
/// </summary>
public sealed class TenantDatabaseOptions
{
    public const string SectionName = "Tenancy:Databases";

    public int MaxPoolSizePerDatabase { get; set; } = 4;

    /// <summary>The global cap on connections to tenant databases, per process.</summary>
    public int MaxConnections { get; set; } = 100;

    /// <summary>An idle connection closes after this long; an idle pool is disposed after twice as long.</summary>
    public int IdleLifetimeSeconds { get; set; } = 10;

    /// <summary>How long a request waits for a pool when every one is busy, before it is refused (503).</summary>
    public int AcquireTimeoutSeconds { get; set; } = 5;

    /// <summary>Checked at start: below one pool's size, the cap could not hold even one pool.</summary>
    public const string Rule = $"{SectionName}: every value is positive, and MaxConnections is at least MaxPoolSizePerDatabase.";

    public int MaxOpenPools => Math.Max(1, MaxConnections / Math.Max(1, MaxPoolSizePerDatabase));

    public bool IsValid() =>
        MaxPoolSizePerDatabase > 0 && MaxConnections >= MaxPoolSizePerDatabase && IdleLifetimeSeconds > 0 && AcquireTimeoutSeconds > 0;
}
