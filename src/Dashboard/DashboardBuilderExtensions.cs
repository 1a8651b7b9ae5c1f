using Microsoft.Extensions.Configuration;
using Tenancy.Hosting;

namespace Tenancy.Dashboard;

public static class DashboardBuilderExtensions
{
    public const string EnabledSetting = "AppHost:Dashboard:Enabled";

    /// <summary>
    /// Adds the dashboard (on unless <c>AppHost:Dashboard:Enabled=false</c>) and makes it the services' OTLP endpoint,
    /// unless <c>AppHost:OtlpEndpoint</c> already names one (a real Aspire dashboard, a collector). Call it after the
    /// services are added: each of them waits for the dashboard, so no early telemetry is lost.
    /// </summary>
    /// <returns>The dashboard, or null when it is switched off.</returns>
    public static IResourceBuilder<DashboardResource>? AddDashboard(this DistributedApplicationBuilder builder, string name = "dashboard")
    {
        if (!builder.Configuration.GetValue(EnabledSetting, true))
        {
            return null;
        }

        var dashboard = builder.AddResource(new DashboardResource(
            name,
            builder,
            builder.Configuration.GetValue($"Ports:{name}", 18888),
            builder.Configuration.GetValue($"Ports:{name}-otlp", 18889)));

        if (string.IsNullOrWhiteSpace(builder.Configuration["AppHost:OtlpEndpoint"]))
        {
            builder.Configuration["AppHost:OtlpEndpoint"] = dashboard.Resource.OtlpGrpcUrl;
        }

        foreach (var service in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder<ProjectResource>(service.Name).WaitFor(dashboard);
        }

        return dashboard;
    }
}
