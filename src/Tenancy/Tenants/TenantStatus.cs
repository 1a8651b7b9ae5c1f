namespace Tenancy.Tenants;

public enum TenantStatus
{
    Trial,
    Active,
    Suspended,
    Deleted,

    /// <summary>
    /// Being created (a database-tier tenant, whose database is made outside any transaction): the row holds the
    /// identifier, domains and database name until the creation completes, or a retry or the Worker removes it. Never served.
    /// </summary>
    Provisioning,
}

public enum TenantIsolation
{
    /// <summary>Rows in shared tables, told apart by <c>tenant_id</c>.</summary>
    Shared,

    /// <summary>A PostgreSQL schema of its own in the main database.</summary>
    Schema,

    /// <summary>A database of its own.</summary>
    Database,
}
