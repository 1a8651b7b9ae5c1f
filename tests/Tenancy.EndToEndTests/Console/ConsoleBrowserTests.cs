using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Tenancy.EndToEndTests.Console;

/// <summary>
/// The console as people use it: headless Chromium (Debian's, nothing downloaded) against the console resource of the
/// AppHost's own graph. An operator creates a tenant, runs the migrations and suspends and resumes the tenant; its
/// owner invites a member and cannot open another tenant's pages. Screenshots go to TestResults/console.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ConsoleBrowserTests(AppHostFixture system) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    // Generous: every step waits for its element, on a loaded 2-core machine.
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 60_000 };
    private readonly TenancyClient _client = new(system.Api);
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private Uri _console = null!;
    private string _screenshots = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (.ci/run installs it)");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync("console", timeout.Token);
        _console = system.App.GetEndpoint("console", "http");
        _screenshots = Directory.CreateDirectory(Path.Combine(ResultsDirectory(), "console")).FullName;
        _playwright = await Playwright.CreateAsync();
        _playwright.Selectors.SetTestIdAttribute("data-testid");
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task An_operator_creates_a_tenant_runs_the_migrations_and_suspends_and_resumes_it()
    {
        var identifier = TenancyClient.NewIdentifier("c");
        var page = await NewPageAsync();

        // Signed out, every page leads to the sign-in form.
        await page.GotoAsync(new Uri(_console, "/tenants").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/sign-in"), new() { Timeout = 60_000 });
        await SignInAsync(page, tenant: null, TestAdmin.Email, TestAdmin.Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tenants", Exact = true })).ToBeVisibleAsync(Visible);

        // A wrong identifier comes back as the Api's problem, in words. Pages that are typed into are loaded whole
        // (a form shows once its circuit has rendered it), so no keystroke can reach a page being replaced.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "New tenant" })).ToHaveAttributeAsync("href", "tenants/new");
        await OpenAsync(page, "/tenants/new", "New tenant");
        await FillNewTenantAsync(page, "Not Valid!", "Bad one");
        await Assertions.Expect(page.Locator(".problem")).ToContainTextAsync("identifier", new() { Timeout = 60_000 });

        await FillNewTenantAsync(page, identifier, $"Console {identifier}");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/tenants/{identifier}$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("tenant-status")).ToHaveTextAsync("active", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByText("reachable").First).ToBeVisibleAsync(Visible);
        await ScreenshotAsync(page, "tenant-created.png");

        // The list finds it by search, with its live database status.
        await OpenAsync(page, "/tenants", "Tenants");
        await page.GetByLabel("Search identifier, name or domain").FillAsync(identifier);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = identifier });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Assertions.Expect(row).ToContainTextAsync("no pending migrations", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByText("1 tenant", new() { Exact = true })).ToBeVisibleAsync(Visible);
        await page.GetByLabel("Search identifier, name or domain").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "reachable" }).First).ToBeVisibleAsync(Visible);
        await ScreenshotAsync(page, "tenants.png");

        // A migration run: the progress bar fills, and every tenant gets a row of its own.
        await page.GetByRole(AriaRole.Link, new() { Name = "Migrations" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Migrations", Exact = true })).ToBeVisibleAsync(Visible);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run migrations" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/migrations/[0-9a-f-]{36}$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("run-state")).ToContainTextAsync("Finished:", new() { Timeout = 120_000 });
        await Assertions.Expect(page.GetByTestId("run-state")).ToContainTextAsync("0 failed");
        var progress = page.Locator("progress#run-progress");
        Assert.Equal(await progress.GetAttributeAsync("max"), await progress.GetAttributeAsync("value"));
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = identifier })).ToContainTextAsync("up to date");
        await ScreenshotAsync(page, "migrations.png");

        // Suspend and resume; the Api says the same as the page.
        await page.GotoAsync(new Uri(_console, $"/tenants/{identifier}").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("tenant-status")).ToHaveTextAsync("suspended", new() { Timeout = 60_000 });
        Assert.Equal("suspended", (await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{identifier}"))).GetProperty("status").GetString());
        await ScreenshotAsync(page, "tenant-suspended.png");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("tenant-status")).ToHaveTextAsync("active", new() { Timeout = 60_000 });
        Assert.Equal("active", (await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{identifier}"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_tenant_owner_invites_a_member_and_cannot_open_another_tenants_pages()
    {
        var own = await _client.CreateTenantAsync();
        var other = await _client.CreateTenantAsync();
        var invitee = $"new.member@{own}.example";
        var page = await NewPageAsync(width: 412, height: 900);

        await page.GotoAsync(new Uri(_console, "/sign-in").ToString());
        await SignInAsync(page, own, TenancyClient.OwnerEmail(own), TenancyClient.OwnerPassword(own));
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/tenant/{own}$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members" })).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = TenancyClient.OwnerEmail(own) })).ToBeVisibleAsync(Visible);

        await page.GetByLabel("E-mail").FillAsync(invitee);
        await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"Invited {invitee}")).ToBeVisibleAsync(Visible);
        var invitation = page.GetByRole(AriaRole.Row).Filter(new() { HasText = invitee });
        await Assertions.Expect(invitation).ToContainTextAsync("admin", new() { Timeout = 60_000 });
        Assert.Equal(1, await (await InvitationMailbox.OfAsync(system.App)).CountAsync(invitee));
        await ScreenshotAsync(page, "tenant-members-phone.png");

        // Another tenant's page by URL: the Api refuses the owner's token there, and the page shows no data of it.
        await page.GotoAsync(new Uri(_console, $"/tenant/{other}").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Forbidden", new() { Timeout = 60_000 });
        Assert.DoesNotContain(TenancyClient.OwnerEmail(other), await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain($"Tenant {other}", await page.ContentAsync(), StringComparison.Ordinal);
        await ScreenshotAsync(page, "other-tenant-refused.png");

        // The platform's pages are not for a tenant's owner either, whichever tenant the URL names.
        foreach (var path in new[] { "/tenants", $"/tenants/{other}", "/migrations" })
        {
            await page.GotoAsync(new Uri(_console, path).ToString());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync(Visible);
            Assert.DoesNotContain(other, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        }

        // Signed out, the tenant's page leads to the sign-in form again.
        await page.GotoAsync(new Uri(_console, $"/tenant/{own}").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/sign-in"), new() { Timeout = 60_000 });
        await page.GotoAsync(new Uri(_console, $"/tenant/{own}").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/sign-in"), new() { Timeout = 60_000 });
        Assert.DoesNotContain(invitee, await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<IPage> NewPageAsync(int width = 1400, int height = 1000)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    private async Task OpenAsync(IPage page, string path, string heading)
    {
        await page.GotoAsync(new Uri(_console, path).ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync(Visible);
    }

    private static async Task SignInAsync(IPage page, string? tenant, string email, string password)
    {
        await page.GetByLabel("Tenant (identifier)").FillAsync(tenant ?? "");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private static async Task FillNewTenantAsync(IPage page, string identifier, string name)
    {
        await page.GetByLabel("Identifier").FillAsync(identifier);
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Plan").SelectOptionAsync("standard");
        await page.GetByLabel("E-mail").FillAsync(TenancyClient.OwnerEmail(identifier.ToLowerInvariant().Replace(' ', '-').Replace("!", "")));
        await page.GetByLabel("Initial password").FillAsync(TenancyClient.OwnerPassword(identifier));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create tenant" }).ClickAsync();
    }

    private Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, name), FullPage = true });

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
