namespace Tenancy.Tenants;

public enum TenantStatus
{
    Trial,
    Active,
    Suspended,
    Deleted,
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
