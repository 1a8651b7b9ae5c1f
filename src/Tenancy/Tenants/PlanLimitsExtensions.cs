using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Tenants;

public static class PlanLimitsExtensions
{
    /// <summary>
    /// The application's default for the named limit <paramref name="limit"/> of <paramref name="plan"/> (adding the
    /// plan if it is new); <c>Tenancy:Plans:{plan}:{limit}</c> in configuration wins over it. New tenants get their
    /// plan's limits (<see cref="PlanLimits"/>); the code that counts what a limit bounds reads
    /// <c>tenant.Limits.Of(limit)</c>.
    /// </summary>
    public static TenancyBuilder WithPlanLimit(this TenancyBuilder tenancy, string plan, string limit, int max)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(plan);
        ArgumentException.ThrowIfNullOrWhiteSpace(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        // Runs after the section is bound: a configured value is already there and stays.
        tenancy.Services.Configure<TenancyOptions>(options =>
        {
            if (!options.Plans.TryGetValue(plan, out var limits))
            {
                options.Plans[plan] = limits = new(StringComparer.Ordinal);
            }

            limits.TryAdd(limit, max);
        });
        return tenancy;
    }
}
