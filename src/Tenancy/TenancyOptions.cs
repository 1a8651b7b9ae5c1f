using Tenancy.Tenants;

namespace Tenancy;

/// <summary>Configuration section <c>Tenancy</c>.</summary>
public sealed class TenancyOptions
{
    public const string SectionName = "Tenancy";

    /// <summary>
    /// Hosts of the platform itself; <c>{identifier}.{root}</c> is a tenant's own host and <c>admin.{root}</c> is the platform.
    /// </summary>
    public List<string> RootDomains { get; set; } = ["localhost"];

    public string DefaultPlan { get; set; } = "standard";

    public Dictionary<string, PlanLimits> Plans { get; set; } = new(StringComparer.Ordinal)
    {
        ["trial"] = new(MaxUsers: 3, MaxLocations: 1),
        ["standard"] = new(MaxUsers: 50, MaxLocations: 10),
        ["enterprise"] = PlanLimits.Unlimited,
    };

    /// <summary>Also resolve tenants from a <c>/t/{identifier}/</c> path prefix.</summary>
    public bool EnablePathResolution { get; set; }

    /// <summary>Whether <paramref name="host"/> (normalized) is a root domain or one of its subdomains.</summary>
    public bool IsUnderRootDomain(string host) =>
        RootDomains.Any(root => host == root || host.EndsWith("." + root, StringComparison.Ordinal));
}
