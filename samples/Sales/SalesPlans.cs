using Tenancy.Tenants;

namespace Tenancy.Sales;

/// <summary>The sample's plans: how many members (Tenancy.Accounts' limit), locations (the sample's own) and mebibytes of files (Tenancy.Files') each allows.</summary>
public static class SalesPlans
{
    /// <summary>The most locations a tenant may have; unset (the enterprise plan): unlimited.</summary>
    public const string Locations = "locations";

    // Tenancy.Accounts' AccountLimits.Users; this library does not reference Accounts, so the name is spelled here.
    private const string Users = "users";

    // Tenancy.Files' FileQuota.StorageLimit (mebibytes of files, product images included); spelled here for the same reason.
    private const string FileStorageMegabytes = "file-storage-mb";

    /// <summary>The defaults of every host that creates tenants (the Api, the CLI); <c>Tenancy:Plans</c> overrides them.</summary>
    public static TenancyBuilder WithSalesPlans(this TenancyBuilder tenancy) => tenancy
        .WithPlanLimit("trial", Users, 3)
        .WithPlanLimit("trial", Locations, 1)
        .WithPlanLimit("trial", FileStorageMegabytes, 5)
        .WithPlanLimit("standard", Users, 50)
        .WithPlanLimit("standard", Locations, 10)
        .WithPlanLimit("standard", FileStorageMegabytes, 1024);
}
