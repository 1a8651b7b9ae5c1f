using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>
/// The whole system with the real Aspire dashboard, as <c>dotnet run</c> starts it: every service exports its
/// telemetry there. The dashboard keeps its browser-token login; the test knows the token and the telemetry API key.
/// </summary>
public sealed class DashboardAppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public TenancyClient Client { get; private set; } = null!;

    public DashboardTelemetry Telemetry { get; private set; } = null!;

    public Uri DashboardUrl { get; private set; } = null!;

    public string BrowserToken { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public async Task InitializeAsync()
    {
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        DashboardUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        var builder = await TestAppHost.CreateAsync(
        [
            $"--ASPNETCORE_URLS={DashboardUrl}",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePort()}",
            "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            $"--AppHost:BrowserToken={BrowserToken}",
            $"--AppHost:DashboardApiKey={apiKey}",
        ], dashboard: true);
        App = await builder.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.ResourceNotifications.WaitForResourceHealthyAsync("worker", timeout.Token);
        var dashboard = await App.ResourceNotifications.WaitForResourceAsync("aspire-dashboard", e => e.Snapshot.State?.Text == KnownResourceStates.Running, timeout.Token);
        // Where the dashboard really listens, as Aspire reports it.
        DashboardUrl = new Uri(dashboard.Snapshot.Urls.First(u => u.Url.StartsWith("http", StringComparison.Ordinal)).Url);
        Client = new TenancyClient(App.CreateHttpClient("api"));
        var http = new HttpClient { BaseAddress = DashboardUrl };
        http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        Telemetry = new DashboardTelemetry(http);
    }

    public async Task DisposeAsync()
    {
        Client?.Http.Dispose();
        Telemetry?.Http.Dispose();
        if (App is not null)
        {
            await App.StopAndDeleteAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardAppHostCollection : ICollectionFixture<DashboardAppHostFixture>
{
    public const string Name = "AppHost with the Aspire dashboard";
}
