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

    /// <summary>
    /// The plans (<c>Tenancy:Plans:{plan}:{limit}</c>) and their named limits, which the application defines
    /// (<see cref="TenancyBuilder"/>'s <c>WithPlanLimit</c>, or configuration); a limit not set is unlimited.
    /// </summary>
    public Dictionary<string, Dictionary<string, int>> Plans { get; set; } = new(StringComparer.Ordinal)
    {
        ["trial"] = new(StringComparer.Ordinal),
        ["standard"] = new(StringComparer.Ordinal),
        ["enterprise"] = new(StringComparer.Ordinal),
    };

    /// <summary>Also resolve tenants from a <c>/t/{identifier}/</c> path prefix.</summary>
    public bool EnablePathResolution { get; set; }

    /// <summary>Whether <paramref name="host"/> (normalized) is a root domain or one of its subdomains.</summary>
    public bool IsUnderRootDomain(string host) =>
        RootDomains.Any(root => host == root || host.EndsWith("." + root, StringComparison.Ordinal));
}
