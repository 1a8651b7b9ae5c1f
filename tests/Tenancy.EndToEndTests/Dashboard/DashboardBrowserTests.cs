using Microsoft.Playwright;
using Tenancy.EndToEndTests.Jobs;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>
/// A person's view: headless Chromium (Debian's, nothing downloaded) opens the dashboard, filters the traces by one
/// tenant and opens an order's trace; the waterfall shows that tenant's Api and Worker spans and no other tenant.
/// Screenshots go to TestResults/screenshots, which CI keeps.
/// </summary>
[Collection(DashboardAppHostCollection.Name)]
public sealed class DashboardBrowserTests(DashboardAppHostFixture system)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Filtering_traces_by_a_tenant_and_opening_one_shows_its_Api_and_Worker_spans_and_no_other_tenant()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (.ci/run installs it)");
        var a = await SalesTenant.CreateAsync(system.Client);
        var b = await SalesTenant.CreateAsync(system.Client);
        await a.PlaceOrderAsync();
        await b.PlaceOrderAsync();
        // Wait through the API first, so the browser's part of the test is about the pages.
        await DashboardApi.WaitForAsync(
            () => system.Telemetry.SpansOfTracesAsync($"tenant={a.Identifier}&resource=worker"),
            spans => spans.Exists(s => s.Resource() == "worker" && s.Name().StartsWith("perform ", StringComparison.Ordinal)),
            $"the Worker's job span of {a.Identifier}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var screenshots = Directory.CreateDirectory(Path.Combine(ResultsDirectory(), "screenshots")).FullName;

        await page.GotoAsync($"http://127.0.0.1:{system.Dashboard.HttpPort}/#traces");
        await page.FillAsync("#traces-tenant", a.Identifier);
        var ordersOfA = page.Locator($"#traces tr[data-resources~='worker'][data-tenants~='{a.Identifier}']");
        await ordersOfA.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        // Every row the filtered list shows involves the tenant, and none involves the other one.
        await Assertions.Expect(page.Locator($"#traces tr:not([data-tenants~='{a.Identifier}'])")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"#traces tr[data-tenants~='{b.Identifier}']")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "traces-filtered-by-tenant.png"), FullPage = true });

        await ordersOfA.First.ClickAsync();
        var waterfall = page.Locator("#waterfall .span-row");
        await page.Locator("#waterfall .span-row[data-resource='worker']").First.WaitForAsync();
        await Assertions.Expect(page.Locator($"#waterfall .span-row[data-resource='api'][data-tenant='{a.Identifier}']").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"#waterfall .span-row[data-resource='worker'][data-tenant='{a.Identifier}']").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"#waterfall .span-row[data-tenant='{b.Identifier}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#waterfall")).Not.ToContainTextAsync(b.Identifier);
        Assert.True(await waterfall.CountAsync() >= 4, "an order's trace has at least a request, a database command, an enqueue and a job span");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "trace-waterfall.png"), FullPage = true });

        await page.GotoAsync($"http://127.0.0.1:{system.Dashboard.HttpPort}/#resources");
        await Assertions.Expect(page.Locator("#resources tr[data-resource='api']")).ToContainTextAsync("Running");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "resources.png"), FullPage = true });
    }

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
