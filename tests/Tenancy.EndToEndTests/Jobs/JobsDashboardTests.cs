using System.Net;

namespace Tenancy.EndToEndTests.Jobs;

[Collection(JobsAppHostCollection.Name)]
public sealed class JobsDashboardTests(JobsAppHostFixture system)
{
    [Fact]
    public async Task The_dashboard_is_served_read_only_on_the_platform_host_and_not_on_a_tenants()
    {
        var shop = await SalesTenant.CreateAsync(system.Client);
        await shop.PlaceOrderAsync();
        var jobId = (await shop.WaitForNotificationsAsync(n => n.Count == 1, TimeSpan.FromSeconds(30)))[0].GetProperty("jobId").GetString()!;
        await system.WaitForJobStateAsync(jobId, "Succeeded");

        var home = await system.Client.Http.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Tenancy jobs", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The job's page says whose job it is.
        var details = await system.Client.Http.GetStringAsync($"/jobs/jobs/details/{jobId}");
        Assert.Contains($"Tenant <strong>{shop.Identifier}</strong>", details, StringComparison.Ordinal);

        await TenancyClient.AssertProblemAsync(await system.Client.AsTenant(shop.Identifier, HttpMethod.Get, "/jobs"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await system.Client.SendAsync(HttpMethod.Get, "/jobs", tenantHeader: shop.Identifier), HttpStatusCode.NotFound);

        // Read-only: commands (here, running the job again) are refused and change nothing.
        var requeue = await system.Client.Http.PostAsync("/jobs/jobs/succeeded/requeue", new FormUrlEncodedContent([new("jobs[]", jobId)]));
        Assert.Equal(HttpStatusCode.Unauthorized, requeue.StatusCode);
        Assert.Equal("Succeeded", await system.JobStateAsync(jobId));
    }
}
