using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tenancy.Context;
using Tenancy.Features;
using Tenancy.Isolation;
using Tenancy.Tenants;

namespace Tenancy.UnitTests.Features;

/// <summary>
/// Flags through the real Microsoft.FeatureManagement (its configuration provider and targeting filter) over
/// in-memory configuration: a tenant's override wins, else its plan, its identifier or its hash in a rollout decides.
/// </summary>
public sealed class TenantFeaturesShould : IDisposable
{
    private readonly ServiceProvider _services = Services(new Dictionary<string, string?>
    {
        // On for the enterprise plan only.
        ["FeatureManagement:OrderExport:EnabledFor:0:Name"] = "Microsoft.Targeting",
        ["FeatureManagement:OrderExport:EnabledFor:0:Parameters:Audience:Groups:0:Name"] = "enterprise",
        ["FeatureManagement:OrderExport:EnabledFor:0:Parameters:Audience:Groups:0:RolloutPercentage"] = "100",
        ["FeatureManagement:OrderExport:EnabledFor:0:Parameters:Audience:DefaultRolloutPercentage"] = "0",
        // On for two named tenants.
        ["FeatureManagement:Reports:EnabledFor:0:Name"] = "Microsoft.Targeting",
        ["FeatureManagement:Reports:EnabledFor:0:Parameters:Audience:Users:0"] = "acme",
        ["FeatureManagement:Reports:EnabledFor:0:Parameters:Audience:Users:1"] = "globex",
        ["FeatureManagement:Reports:EnabledFor:0:Parameters:Audience:DefaultRolloutPercentage"] = "0",
        // On for half the tenants.
        ["FeatureManagement:NewCheckout:EnabledFor:0:Name"] = "Microsoft.Targeting",
        ["FeatureManagement:NewCheckout:EnabledFor:0:Parameters:Audience:DefaultRolloutPercentage"] = "50",
        // On for everyone.
        ["FeatureManagement:Everyone"] = "true",
    });

    private TenantFeatures Features => _services.GetRequiredService<TenantFeatures>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Turn_a_flag_on_for_a_plan_and_off_for_the_others()
    {
        Assert.True(await Features.IsEnabledAsync(Tenant("big", "enterprise"), "OrderExport"));
        Assert.False(await Features.IsEnabledAsync(Tenant("small", "standard"), "OrderExport"));
        Assert.False(await Features.IsEnabledAsync(Tenant("tiny", "trial"), "OrderExport"));
    }

    [Fact]
    public async Task Turn_a_flag_on_for_the_tenants_it_lists_only()
    {
        Assert.True(await Features.IsEnabledAsync(Tenant("acme"), "Reports"));
        Assert.True(await Features.IsEnabledAsync(Tenant("globex"), "Reports"));
        Assert.False(await Features.IsEnabledAsync(Tenant("initech"), "Reports"));
        // An identifier is matched whole, not as a prefix.
        Assert.False(await Features.IsEnabledAsync(Tenant("acme-2"), "Reports"));
    }

    [Fact]
    public async Task Let_an_override_win_over_the_definition_both_ways_for_its_tenant_alone()
    {
        var forcedOn = Tenant("small", "standard", new() { ["OrderExport"] = true });
        var forcedOff = Tenant("big", "enterprise", new() { ["OrderExport"] = false });
        Assert.True(await Features.IsEnabledAsync(forcedOn, "OrderExport"));
        Assert.False(await Features.IsEnabledAsync(forcedOff, "OrderExport"));
        Assert.Equal(new TenantFeatureState("OrderExport", true, true, false), await Features.EvaluateAsync(forcedOn, "OrderExport"));
        Assert.Equal(new TenantFeatureState("OrderExport", false, false, true), await Features.EvaluateAsync(forcedOff, "OrderExport"));

        // Neighbours on the same plans keep the definition's answer.
        Assert.False(await Features.IsEnabledAsync(Tenant("other-small", "standard"), "OrderExport"));
        Assert.True(await Features.IsEnabledAsync(Tenant("other-big", "enterprise"), "OrderExport"));
        // An override of one flag leaves the tenant's other flags to their definitions.
        Assert.False(await Features.IsEnabledAsync(forcedOn, "Reports"));
        Assert.False(await Features.IsEnabledAsync(Tenant("everyone-off", overrides: new() { ["Everyone"] = false }), "Everyone"));
        Assert.True(await Features.IsEnabledAsync(Tenant("everyone-on"), "Everyone"));
    }

    [Fact]
    public async Task Roll_a_percentage_out_to_some_tenants_the_same_way_every_time()
    {
        var tenants = Enumerable.Range(0, 200).Select(i => Tenant($"tenant-{i}")).ToList();
        var first = new List<bool>();
        foreach (var tenant in tenants)
        {
            first.Add(await Features.IsEnabledAsync(tenant, "NewCheckout"));
        }

        // Different tenants, different answers: about half of them (the hash is uniform; 200 tenants leave 50 ± 12 %).
        var on = first.Count(enabled => enabled);
        Assert.InRange(on, 60, 140);

        // The same tenant always the same: again, from another FeatureManager (another instance), and after other flags.
        using var another = Services(new Dictionary<string, string?>
        {
            ["FeatureManagement:NewCheckout:EnabledFor:0:Name"] = "Microsoft.Targeting",
            ["FeatureManagement:NewCheckout:EnabledFor:0:Parameters:Audience:DefaultRolloutPercentage"] = "50",
        });
        for (var i = 0; i < tenants.Count; i++)
        {
            Assert.Equal(first[i], await Features.IsEnabledAsync(tenants[i], "NewCheckout"));
            Assert.Equal(first[i], await another.GetRequiredService<TenantFeatures>().IsEnabledAsync(tenants[i], "NewCheckout"));
        }
    }

    [Fact]
    public async Task Target_the_current_tenant_for_code_that_asks_the_feature_manager_itself()
    {
        var manager = _services.GetRequiredService<Microsoft.FeatureManagement.IFeatureManager>();
        using (TenantContext.Enter(Tenant("big", "enterprise")))
        {
            Assert.True(await manager.IsEnabledAsync("OrderExport"));
            Assert.True(await Features.IsEnabledAsync("OrderExport"));
        }

        using (TenantContext.Enter(Tenant("small", "standard", new() { ["OrderExport"] = true })))
        {
            // The manager knows nothing of overrides; TenantFeatures is what application code asks.
            Assert.False(await manager.IsEnabledAsync("OrderExport"));
            Assert.True(await Features.IsEnabledAsync("OrderExport"));
        }

        // On the platform no tenant is targeted.
        Assert.False(await Features.IsEnabledAsync("OrderExport"));
        Assert.True(await Features.IsEnabledAsync("Everyone"));
    }

    [Fact]
    public async Task List_every_defined_flag_and_refuse_unknown_ones()
    {
        var states = await Features.EvaluateAllAsync(Tenant("acme", "enterprise"));
        Assert.Equal(["Everyone", "NewCheckout", "OrderExport", "Reports"], states.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal("OrderExport", await Features.DefinedNameAsync("orderexport"));
        await Assert.ThrowsAsync<FeatureNotFoundException>(() => Features.DefinedNameAsync("NoSuchFlag"));
        await Assert.ThrowsAsync<FeatureNotFoundException>(() => Features.EvaluateAsync(Tenant("acme"), "NoSuchFlag"));
        await Assert.ThrowsAsync<FeatureNotFoundException>(() => Features.DefinedNameAsync(""));
        // A flag's own settings are no flag.
        await Assert.ThrowsAsync<FeatureNotFoundException>(() => Features.DefinedNameAsync("OrderExport:EnabledFor"));
        await Assert.ThrowsAsync<FeatureNotFoundException>(() => Features.DefinedNameAsync(new string('f', 201)));
        // Unknown flags are off for application code, as the library has them.
        Assert.False(await Features.IsEnabledAsync(Tenant("acme"), "NoSuchFlag"));
    }

    private static TenantInfo Tenant(string identifier, string plan = "standard", Dictionary<string, bool>? overrides = null) =>
        new(Guid.NewGuid(), identifier, identifier, TenantStatus.Active, TenantIsolation.Schema, "t_" + identifier, plan, PlanLimits.Unlimited,
            FeatureOverrides: overrides is null ? null : new Dictionary<string, bool>(overrides, StringComparer.OrdinalIgnoreCase));

    private static ServiceProvider Services(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Nothing here connects: registration only reads the connection string.
        builder.Configuration.AddInMemoryCollection(configuration.Append(new("ConnectionStrings:tenancydb", "Host=127.0.0.1;Port=1;Database=tenancydb;Username=nobody")));
        builder.AddTenancy<NotesDbContext>("tenancydb").WithFeatures();
        return builder.Services.BuildServiceProvider();
    }

    private sealed class NotesDbContext(DbContextOptions<NotesDbContext> options) : TenantDbContext(options);
}
