using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>
/// The whole system with the real Aspire dashboard, as <c>dotnet run</c> starts it: every service exports its
/// telemetry there. The test knows the telemetry API key; the pages run without the browser-token login here (the
/// AppHost keeps it for <c>dotnet run</c>).
/// </summary>
public sealed class DashboardAppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public TenancyClient Client { get; private set; } = null!;

    public DashboardTelemetry Telemetry { get; private set; } = null!;

    public Uri DashboardUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        DashboardUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        var otlpPort = FreePort();
        var builder = await TestAppHost.CreateAsync(
        [
            $"--ASPNETCORE_URLS={DashboardUrl}",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{otlpPort}",
            "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            $"--AppHost:DashboardApiKey={apiKey}",
        ], dashboard: true);
        App = await builder.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.ResourceNotifications.WaitForResourceHealthyAsync("worker", timeout.Token);
        // The dashboard comes up beside the services: the telemetry API answers once it runs.
        var dashboard = await App.ResourceNotifications.WaitForResourceAsync("aspire-dashboard", e => e.Snapshot.State?.Text == KnownResourceStates.Running, timeout.Token);
        // Aspire lists the dashboard's endpoints (pages and OTLP, on ports of its choosing): the one whose telemetry
        // API answers is the pages'.
        foreach (var url in dashboard.Snapshot.Urls.Select(u => new Uri(new Uri(u.Url).GetLeftPart(UriPartial.Authority))).Append(DashboardUrl))
        {
            using var probe = new HttpClient { BaseAddress = url };
            probe.DefaultRequestHeaders.Add("x-api-key", apiKey);
            try
            {
                using var response = await probe.GetAsync("/api/telemetry/resources", timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    DashboardUrl = url;
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
        }

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
