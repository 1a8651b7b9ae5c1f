using System.Security.Cryptography;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>
/// The whole system with the real Aspire dashboard, as <c>dotnet run</c> starts it: every service exports its
/// telemetry there. The dashboard keeps its browser-token login; the test knows the telemetry API key and takes the
/// login link Aspire shows for the dashboard, as a person would from the console.
/// </summary>
public sealed class DashboardAppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public TenancyClient Client { get; private set; } = null!;

    public DashboardTelemetry Telemetry { get; private set; } = null!;

    public Uri DashboardUrl { get; private set; } = null!;

    /// <summary>The dashboard's sign-in link (<c>/login?t=…</c>) as Aspire lists it on the dashboard resource.</summary>
    public Uri LoginUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var builder = await TestAppHost.CreateAsync(
        [
            "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            $"--AppHost:DashboardApiKey={apiKey}",
        ], dashboard: true);
        App = await builder.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.ResourceNotifications.WaitForResourceHealthyAsync("worker", timeout.Token);
        // Aspire lists the dashboard's pages with the browser token appended (the link the console shows at start);
        // its other URLs are the OTLP receivers.
        static bool IsLogin(UrlSnapshot url) => url.Url.Contains("/login?t=", StringComparison.Ordinal);
        var dashboard = await App.ResourceNotifications.WaitForResourceAsync(
            "aspire-dashboard", e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.Urls.Any(IsLogin), timeout.Token);
        LoginUrl = new Uri(dashboard.Snapshot.Urls.Single(IsLogin).Url);
        DashboardUrl = new Uri(LoginUrl.GetLeftPart(UriPartial.Authority));
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
}

[CollectionDefinition(Name)]
public sealed class DashboardAppHostCollection : ICollectionFixture<DashboardAppHostFixture>
{
    public const string Name = "AppHost with the Aspire dashboard";
}
