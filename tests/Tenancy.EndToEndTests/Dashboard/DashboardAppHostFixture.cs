using Tenancy.Dashboard;
using Tenancy.Hosting;
using Tenancy.Hosting.Testing;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>
/// The whole system with the AppHost's dashboard as every service's OTLP endpoint, as <c>dotnet run</c> starts it.
/// The Api exports over OTLP/gRPC (the AppHost's default); the Worker is switched to OTLP/HTTP with protobuf bodies,
/// so every test that finds a Worker span also proves the HTTP receiver.
/// </summary>
public sealed class DashboardAppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public DashboardResource Dashboard { get; private set; } = null!;

    public TenancyClient Client { get; private set; } = null!;

    public DashboardApi Telemetry { get; private set; } = null!;

    /// <summary>The one tenant the Api is told to give metrics of its own (Tenancy:Telemetry:PerTenantMetrics).</summary>
    public string WatchedTenant { get; } = TenancyClient.NewIdentifier("watched");

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        var dashboard = builder.Resources.OfType<DashboardResource>().Single();
        builder.CreateResourceBuilder<ProjectResource>("api")
            .WithEnvironment("Tenancy__Telemetry__PerTenantMetrics__0", WatchedTenant);
        builder.CreateResourceBuilder<ProjectResource>("worker")
            .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{dashboard.HttpPort}");
        App = await builder.BuildAsync();
        await App.StartAsync();
        await App.WaitForResourceHealthyAsync("api");
        Dashboard = dashboard;
        Client = new TenancyClient(App.CreateHttpClient("api"));
        Telemetry = new DashboardApi(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dashboard.HttpPort}") });
    }

    public async Task DisposeAsync()
    {
        Client?.Http.Dispose();
        Telemetry?.Http.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardAppHostCollection : ICollectionFixture<DashboardAppHostFixture>
{
    public const string Name = "AppHost with its dashboard";
}
