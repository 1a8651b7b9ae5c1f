using Tenancy.Settings;

namespace Tenancy.Tenants;

/// <summary>A customer organisation, as the registry stores it.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }

    public required string Identifier { get; set; }

    public required string Name { get; set; }

    public TenantStatus Status { get; set; }

    public required string Plan { get; set; }

    /// <summary>The plan's named limits when the tenant was created (<c>Tenancy:Plans</c>), stored as jsonb.</summary>
    public PlanLimits Limits { get; set; } = PlanLimits.Unlimited;

    /// <summary>Override of the plan's requests per window (<c>Tenancy:Limits</c>); null: the plan's.</summary>
    public int? RequestsPerWindow { get; set; }

    /// <summary>Override of the plan's data quota in bytes; null: the plan's.</summary>
    public long? MaxDataBytes { get; set; }

    /// <summary>Override of the plan's cache entries in Redis; null: the plan's.</summary>
    public int? MaxCacheEntries { get; set; }

    /// <summary>Override of the plan's jobs running at once; null: the plan's.</summary>
    public int? MaxConcurrentJobs { get; set; }

    public TenantIsolation Isolation { get; set; }

    /// <summary>Placement: the schema of a schema-isolated tenant (derived from the identifier).</summary>
    public string? SchemaName { get; set; }

    /// <summary>Placement: the database of a database-isolated tenant.</summary>
    public string? DatabaseName { get; set; }

    /// <summary>Placement: the name of the configured connection for a tenant on another server; never the connection string itself.</summary>
    public string? ConnectionReference { get; set; }

    /// <summary>While a move switches the tenant's placement, writes are refused until this time (a killed move's freeze lapses by itself).</summary>
    public DateTimeOffset? WritesFrozenUntil { get; set; }

    public string? ContactEmail { get; set; }

    /// <summary>Free-form JSON object, stored as jsonb.</summary>
    public string Metadata { get; set; } = "{}";

    /// <summary>Feature flags turned on or off for this tenant alone (feature name to on/off), stored as jsonb; they win over the definitions.</summary>
    public Dictionary<string, bool> FeatureOverrides { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Display name, colours and logo, stored as jsonb.</summary>
    public TenantBranding Branding { get; set; } = TenantBranding.None;

    /// <summary>The application's settings for this tenant (key to value), stored as jsonb; never secrets.</summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>When a deleted tenant's data was dropped.</summary>
    public DateTimeOffset? DataDroppedAt { get; set; }

    public List<TenantDomain> Domains { get; set; } = [];

    public LimitOverrides? LimitOverrides => Tenants.LimitOverrides.Of(RequestsPerWindow, MaxDataBytes, MaxCacheEntries, MaxConcurrentJobs);
}

/// <summary>A host that resolves to a tenant besides its own <c>{identifier}.{root domain}</c>.</summary>
public sealed class TenantDomain
{
    public required string Host { get; set; }

    public Guid TenantId { get; set; }

    public bool IsPrimary { get; set; }
}

/// <summary>A tenant-data migration applied to one tenant.</summary>
public sealed class AppliedTenantMigration
{
    public Guid TenantId { get; set; }

    public required string MigrationId { get; set; }

    public DateTimeOffset AppliedAt { get; set; }
}

/// <summary>A tenant-data migration applied to the shared schema, which holds the shared tier's tenants.</summary>
public sealed class AppliedSharedMigration
{
    public required string MigrationId { get; set; }

    public DateTimeOffset AppliedAt { get; set; }
}
