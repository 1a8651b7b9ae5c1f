namespace Tenancy.Migrations;

/// <summary>Configuration section <c>Tenancy:Migrations</c>: what a host does about migrations as it starts.</summary>
public sealed class StartupMigrationOptions
{
    public const string SectionName = "Tenancy:Migrations";

    /// <summary><c>Apply</c> (default; local development) or <c>Wait</c> (cloud deploys, where the Worker migrates).</summary>
    public StartupMigrationMode OnStartup { get; set; } = StartupMigrationMode.Apply;

    /// <summary>With <c>Apply</c>: every tenant's migrations too, not only the registry's and the shared tier's.</summary>
    public bool ApplyToTenantsOnStartup { get; set; }

    /// <summary>Tenants migrated at once.</summary>
    public int Parallelism { get; set; } = 4;
}

public enum StartupMigrationMode
{
    /// <summary>Migrate under the replicas' advisory lock (later starts find nothing left to do).</summary>
    Apply,

    /// <summary>Wait until no shared migration is pending: another host migrates.</summary>
    Wait,
}
