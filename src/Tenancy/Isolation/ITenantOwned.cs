namespace Tenancy.Isolation;

/// <summary>A row that belongs to one tenant. <see cref="TenantDbContext"/> sets and checks <see cref="TenantId"/>.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}
