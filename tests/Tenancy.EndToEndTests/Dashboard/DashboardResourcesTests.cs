using System.Net;
using Tenancy.Dashboard;
using Tenancy.Hosting;
using Tenancy.Hosting.Testing;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>The resources the dashboard shows (state, process, URL, environment with secrets masked) and their console output.</summary>
[Collection(DashboardAppHostCollection.Name)]
public sealed class DashboardResourcesTests(DashboardAppHostFixture system)
{
    [Fact]
    public async Task Resources_show_state_process_and_url_and_the_environment_without_the_database_password()
    {
        var resources = (await system.Telemetry.GetAsync("/api/resources")).EnumerateArray().ToList();
        var api = resources.Single(r => r.GetProperty("name").GetString() == "api");
        Assert.Equal("Running", api.GetProperty("state").GetString());
        Assert.Equal(system.App.GetResource("api").ProcessId, api.GetProperty("processId").GetInt32());
        Assert.StartsWith("http://localhost:", api.GetProperty("url").GetString(), StringComparison.Ordinal);
        var environment = api.GetProperty("environment");
        Assert.Equal(system.Dashboard.OtlpGrpcUrl, environment.GetProperty("OTEL_EXPORTER_OTLP_ENDPOINT").GetString());
        Assert.Contains("Password=****", environment.GetProperty("ConnectionStrings__tenancydb").GetString(), StringComparison.Ordinal);

        // The real password is nowhere in what the dashboard serves.
        var password = new Npgsql.NpgsqlConnectionStringBuilder(system.App.GetConnectionString("tenancydb")).Password;
        Assert.False(string.IsNullOrEmpty(password));
        var body = await system.Telemetry.Http.GetStringAsync("/api/resources");
        Assert.DoesNotContain(password, body, StringComparison.Ordinal);
        Assert.Contains(resources, r => r.GetProperty("name").GetString() == "dashboard" && r.GetProperty("state").GetString() == "Running");
    }

    [Fact]
    public async Task Console_output_of_a_resource_is_served_and_an_unknown_resource_is_a_problem()
    {
        var console = await DashboardApi.WaitForAsync(
            () => system.Telemetry.GetAsync("/api/resources/api/console"),
            c => c.GetProperty("lines").GetArrayLength() > 0,
            "the Api's console output");
        Assert.Contains(console.GetProperty("lines").EnumerateArray(), line => line.GetString()!.Contains("Application started", StringComparison.Ordinal));

        await TenancyClient.AssertProblemAsync(await system.Telemetry.Http.GetAsync("/api/resources/nothing/console"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await system.Telemetry.Http.GetAsync($"/api/traces/{new string('0', 32)}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OTLP_HTTP_with_another_encoding_is_refused_with_a_problem()
    {
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        await TenancyClient.AssertProblemAsync(await system.Telemetry.Http.PostAsync("/v1/traces", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_restarted_resource_shows_its_new_process_and_one_restart()
    {
        var before = await ResourceAsync("worker");
        try
        {
            await system.App.StopResourceAsync("worker");
            var stopped = await ResourceAsync("worker");
            Assert.Equal("Stopped", stopped.GetProperty("state").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, stopped.GetProperty("processId").ValueKind);
        }
        finally
        {
            // The other tests of the collection need the Worker.
            await system.App.StartResourceAsync("worker");
        }

        var after = await ResourceAsync("worker");
        Assert.Equal("Running", after.GetProperty("state").GetString());
        Assert.Equal(before.GetProperty("restarts").GetInt32() + 1, after.GetProperty("restarts").GetInt32());
        Assert.NotEqual(before.GetProperty("processId").GetInt32(), after.GetProperty("processId").GetInt32());
    }

    [Fact]
    public async Task A_limit_that_is_not_positive_stops_the_AppHost_before_anything_starts_with_one_line()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(["--Dashboard:MaxSpans=0"]);
        await using var app = await builder.BuildAsync();
        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());
        Assert.Equal("dashboard: Dashboard:MaxSpans must be a positive number (it is 0)", error.Message);
        Assert.All(app.Resources, r => Assert.Equal(ResourceState.NotStarted, r.State));
    }

    [Fact]
    public async Task The_dashboard_can_be_switched_off()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(["--AppHost:Dashboard:Enabled=false"]);
        Assert.DoesNotContain(builder.Resources, r => r is DashboardResource);
        Assert.True(string.IsNullOrEmpty(builder.Configuration["AppHost:OtlpEndpoint"]));
    }

    private async Task<System.Text.Json.JsonElement> ResourceAsync(string name) =>
        (await system.Telemetry.GetAsync("/api/resources")).EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);
}
