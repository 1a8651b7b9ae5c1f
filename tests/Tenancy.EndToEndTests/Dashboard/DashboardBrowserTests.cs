using Microsoft.Playwright;
using Tenancy.EndToEndTests.Jobs;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>
/// A person's view: headless Chromium (Debian's, nothing downloaded) signs in to the real Aspire dashboard with its
/// browser token and filters the traces by one tenant (<c>/traces?filters=tenant.identifier:equals:…</c>); the list
/// shows that tenant's traces and none of another tenant's. Screenshots go to TestResults/screenshots, which CI keeps.
/// </summary>
[Collection(DashboardAppHostCollection.Name)]
public sealed class DashboardBrowserTests(DashboardAppHostFixture system)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Filtering_traces_by_a_tenant_shows_its_traces_and_none_of_another_tenants()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (.ci/run installs it)");
        var a = await SalesTenant.CreateAsync(system.Client);
        var b = await SalesTenant.CreateAsync(system.Client);
        await a.PlaceOrderAsync();
        await b.PlaceOrderAsync();
        // Wait through the API first, so the browser's part of the test is about the pages.
        var spans = await DashboardTelemetry.WaitForAsync(
            system.Telemetry.SpansAsync,
            s => s.Exists(span => span.Service == "worker" && span.TenantIdentifier == a.Identifier)
                && s.Exists(span => span.Service == "worker" && span.TenantIdentifier == b.Identifier),
            "the Worker's job spans of both tenants");
        var tracesOfA = spans.Where(s => s.TenantIdentifier == a.Identifier).Select(s => s.TraceId).ToHashSet();
        var tracesOfB = spans.Where(s => s.TenantIdentifier == b.Identifier).Select(s => s.TraceId).ToHashSet();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var screenshots = Directory.CreateDirectory(Path.Combine(ResultsDirectory(), "screenshots")).FullName;

        // Without the token the dashboard asks for it; with it, the resources page opens.
        await page.GotoAsync(new Uri(system.DashboardUrl, "/").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GotoAsync(system.LoginUrl.ToString());
        await Assertions.Expect(page.GetByText("worker").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "dashboard-resources.png"), FullPage = true });

        await page.GotoAsync(new Uri(system.DashboardUrl, $"/traces?filters=tenant.identifier:equals:{a.Identifier}").ToString());
        // The list shows trace ids by their first 7 hex digits; rows render as they arrive.
        foreach (var trace in tracesOfA)
        {
            await Assertions.Expect(page.GetByText(ShortId(trace), new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "dashboard-traces-filtered-by-tenant.png"), FullPage = true });
        var shown = await page.Locator("main").First.InnerTextAsync();
        Assert.All(tracesOfB, trace => Assert.DoesNotContain(ShortId(trace), shown, StringComparison.Ordinal));
        Assert.Contains($"Showing {tracesOfA.Count} traces", shown, StringComparison.Ordinal);

        // The other tenant's filter shows its own traces and none of the first one's.
        await page.GotoAsync(new Uri(system.DashboardUrl, $"/traces?filters=tenant.identifier:equals:{b.Identifier}").ToString());
        await Assertions.Expect(page.GetByText(ShortId(tracesOfB.First()), new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        shown = await page.Locator("main").First.InnerTextAsync();
        Assert.All(tracesOfA, trace => Assert.DoesNotContain(ShortId(trace), shown, StringComparison.Ordinal));
    }

    private static string ShortId(string traceId) => traceId[..7];

    /// <summary>The repository's TestResults folder (tests.runsettings), found from the test's output folder.</summary>
    private static string ResultsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Tenancy.sln")))
            {
                return Path.Combine(directory.FullName, "TestResults");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "TestResults");
    }
}
