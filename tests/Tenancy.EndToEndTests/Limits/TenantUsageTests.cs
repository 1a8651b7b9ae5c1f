using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tenancy.Cli;
using Xunit.Abstractions;

namespace Tenancy.EndToEndTests.Limits;

/// <summary>
/// Usage per tenant and day equals what the test sent (across both instances, flushed in batches), reads the same
/// as JSON, as CSV (query or Accept) and through the CLI; a tenant's admins read their own, never another tenant's.
/// </summary>
[Collection(LimitsCollection.Name)]
public sealed class TenantUsageTests(LimitsSystemFixture fixture, ITestOutputHelper output)
{
    private static readonly string Today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");

    private TwoApiInstances System => fixture.System;

    [Fact]
    public async Task Requests_and_errors_on_both_instances_are_counted_exactly_once()
    {
        var tenant = await System.First.CreateTenantAsync();
        var host = $"{tenant}.localhost";
        var token = await System.First.SignInAsOwnerAsync(tenant); // 1 request, on the first instance
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await System.First.SendWithTokenAsync(token, HttpMethod.Get, "/api/locations", host: host)).StatusCode);
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await System.Second.SendWithTokenAsync(token, HttpMethod.Get, "/api/locations", host: host)).StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await System.Second.SendWithTokenAsync(token, HttpMethod.Get, $"/api/locations/{Guid.NewGuid()}", host: host)).StatusCode);
        }

        const long requests = 1 + 7 + 5 + 3;
        const long errors = 3;
        var waited = Stopwatch.StartNew();
        while (await System.First.TodayAsync(tenant) != (requests, errors))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"usage is {await System.First.TodayAsync(tenant)}, not ({requests}, {errors}), 5 s after the requests");
            await Task.Delay(100);
        }

        output.WriteLine($"usage ({requests} requests, {errors} errors) stored {waited.ElapsedMilliseconds} ms after the last request");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // three more flushes: nothing is added twice
        Assert.Equal((requests, errors), await System.Second.TodayAsync(tenant));

        var report = await System.First.UsageAsync(tenant);
        Assert.Equal(tenant, report.GetProperty("tenant").GetString());
        Assert.True(report.GetProperty("dataBytesNow").GetInt64() > 0, "a schema tenant's tables take some bytes");
    }

    [Fact]
    public async Task A_job_the_worker_runs_is_counted_for_its_tenant()
    {
        var shop = await Jobs.SalesTenant.CreateAsync(System.First);
        await shop.PlaceOrderAsync(); // its confirmation is one job, run by the Worker
        var waited = Stopwatch.StartNew();
        long jobs;
        while ((jobs = await JobsRunTodayAsync(shop.Identifier)) == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), "the Worker's job run was not in the tenant's usage within 15 s");
            await Task.Delay(200);
        }

        output.WriteLine($"jobs run stored {waited.ElapsedMilliseconds} ms after the order");
        Assert.Equal(1, jobs);
    }

    [Fact]
    public async Task Csv_by_query_by_accept_and_from_the_cli_is_the_same_billing_line()
    {
        var tenant = await System.First.CreateTenantAsync();
        var token = await System.First.SignInAsOwnerAsync(tenant);
        Assert.Equal(HttpStatusCode.OK, (await System.First.SendWithTokenAsync(token, HttpMethod.Get, "/api/locations", host: $"{tenant}.localhost")).StatusCode);
        var waited = Stopwatch.StartNew();
        while (await System.First.TodayAsync(tenant) != (2, 0))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), "usage was not stored within 5 s");
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the data size measured by the reads above is stored too
        var byQuery = await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/usage?format=csv");
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal("text/csv", byQuery.Content.Headers.ContentType?.MediaType);
        var csv = await byQuery.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("tenant,day,requests,errors,jobs_run,data_bytes,cache_bytes", lines[0]);
        Assert.Matches($"^{tenant},{Today},2,0,0,[1-9][0-9]*,0$", Assert.Single(lines[1..]));

        var request = TenancyClient.NewRequest(HttpMethod.Get, $"/api/tenants/{tenant}/usage");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var byAccept = await System.First.Http.SendAsync(request);
        Assert.Equal(csv, await byAccept.Content.ReadAsStringAsync());

        var (code, text, error) = await CliAsync("tenants", "usage", tenant, "--csv");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(csv, text);

        (code, text, error) = await CliAsync("tenants", "usage", tenant);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains($"{tenant}: 1 day(s) with use", text);
        output.WriteLine(text);
    }

    [Fact]
    public async Task Limits_set_with_the_cli_are_what_the_api_applies_and_bad_input_is_refused_in_one_line()
    {
        var tenant = await System.First.CreateTenantAsync();
        var (code, text, error) = await CliAsync("tenants", "limits", tenant, "--requests", "42");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("42 requests per 10 s (set for this tenant)", text);
        Assert.Equal(42, (await System.Second.UsageAsync(tenant)).GetProperty("limits").GetProperty("requestsPerWindow").GetInt32());

        // Only what is given changes: the request limit stays the tenant's own.
        (code, text, error) = await CliAsync("tenants", "limits", tenant, "--max-cache-entries", "7", "--max-concurrent-jobs", "3");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("cache entries at most 7 (set for this tenant); jobs at once at most 3 (set for this tenant)", text);
        var limits = (await System.Second.UsageAsync(tenant)).GetProperty("limits");
        Assert.Equal((42, 7, 3), (limits.GetProperty("requestsPerWindow").GetInt32(), limits.GetProperty("maxCacheEntries").GetInt32(), limits.GetProperty("maxConcurrentJobs").GetInt32()));
        Assert.True(limits.GetProperty("cacheEntriesOverridden").GetBoolean() && limits.GetProperty("concurrentJobsOverridden").GetBoolean());

        // The API's PUT sets them all: what it leaves out is the plan's again, as the CLI then shows.
        Assert.Equal(HttpStatusCode.OK, (await System.First.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}/limits", new { requestsPerWindow = 42, maxCacheEntries = 9 })).StatusCode);
        (code, text, error) = await CliAsync("tenants", "limits", tenant);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("cache entries at most 9 (set for this tenant); jobs at once at most 10 (plan 'standard')", text);

        (code, text, error) = await CliAsync("tenants", "limits", tenant, "--requests", "plan");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("1000 requests per 10 s (plan 'standard')", text);

        foreach (var bad in new[]
        {
            new[] { "tenants", "limits", tenant, "--requests", "-5" }, ["tenants", "limits", tenant, "--max-concurrent-jobs", "0"],
            ["tenants", "usage", tenant, "--from", "2026-12-05", "--to", "2026-12-01"],
        })
        {
            (code, _, error) = await CliAsync(bad);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        (code, _, error) = await CliAsync("tenants", "usage", "no-such-tenant");
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("no-such-tenant", error);

        var invalid = await System.First.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}/limits", new { requestsPerWindow = 0, maxDataBytes = -1, maxCacheEntries = 0, maxConcurrentJobs = -2 });
        var problem = await TenancyClient.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "requestsPerWindow", "maxDataBytes", "maxCacheEntries", "maxConcurrentJobs" })
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);
        }

        // Nothing of the refused request was stored.
        Assert.Equal(9, (await System.First.UsageAsync(tenant)).GetProperty("limits").GetProperty("maxCacheEntries").GetInt32());
        await TenancyClient.AssertProblemAsync(await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/usage?from=2026-12-05&to=2026-12-01"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_tenant_admin_reads_its_own_usage_and_no_other_tenants_by_identifier_header_or_host()
    {
        var own = await System.First.CreateTenantAsync();
        var other = await System.First.CreateTenantAsync();
        var token = await System.First.SignInAsOwnerAsync(own);

        var mine = await System.First.SendWithTokenAsync(token, HttpMethod.Get, "/api/usage", host: $"{own}.localhost");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(own, (await TenancyClient.ReadAsync(mine)).GetProperty("tenant").GetString());

        // Another tenant by host, by header, and by identifier on the platform's endpoint (from the platform host and from its own).
        await TenancyClient.AssertProblemAsync(await System.First.SendWithTokenAsync(token, HttpMethod.Get, "/api/usage", host: $"{other}.localhost"), HttpStatusCode.Forbidden);
        await TenancyClient.AssertProblemAsync(await System.Second.SendWithTokenAsync(token, HttpMethod.Get, "/api/usage", tenantHeader: other), HttpStatusCode.Forbidden);
        await TenancyClient.AssertProblemAsync(await System.First.SendWithTokenAsync(token, HttpMethod.Get, "/api/usage", host: $"{own}.localhost", tenantHeader: other), HttpStatusCode.BadRequest);
        var byIdentifier = await System.Second.SendWithTokenAsync(token, HttpMethod.Get, $"/api/tenants/{other}/usage");
        Assert.True(byIdentifier.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{(int)byIdentifier.StatusCode}");
        await TenancyClient.AssertProblemAsync(await System.First.SendWithTokenAsync(token, HttpMethod.Get, $"/api/tenants/{other}/usage", host: $"{own}.localhost"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await System.First.SendWithTokenAsync(token, HttpMethod.Put, $"/api/tenants/{own}/limits", new { requestsPerWindow = 1_000_000 }), byIdentifier.StatusCode);

        // A plain member of the tenant reads its data, not its billing.
        const string password = "quiet harbour 1234 usage";
        await System.First.AddMemberAsync(own, "reader@example.com", password, "member");
        var member = await System.First.SignInAsync(own, "reader@example.com", password);
        await TenancyClient.AssertProblemAsync(await System.First.SendWithTokenAsync(member, HttpMethod.Get, "/api/usage", host: $"{own}.localhost"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_tenants_cache_bytes_are_its_own_are_stored_for_the_day_and_its_plan_bounds_its_entries()
    {
        var (cached, idle) = (await System.First.CreateTenantAsync(), await System.First.CreateTenantAsync());
        var token = await System.First.SignInAsOwnerAsync(cached);
        // The product list is cached: a miss writes the tenant's first entry to Redis, after the answer.
        Assert.Equal(HttpStatusCode.OK, (await System.First.SendWithTokenAsync(token, HttpMethod.Get, "/api/products", host: $"{cached}.localhost")).StatusCode);

        var waited = Stopwatch.StartNew();
        JsonElement report;
        while ((report = await System.Second.UsageAsync(cached)).GetProperty("cacheEntriesNow").GetInt64() == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), "the tenant's cache entry was not counted within 5 s");
            await Task.Delay(100);
        }

        var bytes = report.GetProperty("cacheBytesNow").GetInt64();
        Assert.True(bytes > 0, "an entry holds bytes");
        Assert.True(report.GetProperty("limits").GetProperty("maxCacheEntries").GetInt32() > 0, "every plan bounds a tenant's entries");
        var other = await System.First.UsageAsync(idle);
        Assert.Equal((0L, 0L), (other.GetProperty("cacheEntriesNow").GetInt64(), other.GetProperty("cacheBytesNow").GetInt64()));

        // The day keeps the last measurement, in the billing CSV too; the idle tenant's day has none.
        waited.Restart();
        while (!(await System.First.UsageAsync(cached)).GetProperty("days").EnumerateArray()
            .Any(d => d.GetProperty("day").GetString() == Today && d.GetProperty("cacheBytes") is { ValueKind: JsonValueKind.Number } b && b.GetInt64() == bytes))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"the day's cache bytes were not stored as {bytes} within 5 s");
            await Task.Delay(100);
        }

        var csv = await (await System.First.SendAsync(HttpMethod.Get, $"/api/tenants/{cached}/usage?format=csv")).Content.ReadAsStringAsync();
        Assert.EndsWith($",{bytes}", csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
        var entries = (await System.First.UsageAsync(cached)).GetProperty("cacheEntriesNow").GetInt64();
        var (code, text, error) = await CliAsync("tenants", "usage", cached);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains($"{entries} cache entries ({bytes} bytes) in Redis", text);
    }

    private async Task<long> JobsRunTodayAsync(string tenant) =>
        (await System.First.UsageAsync(tenant)).GetProperty("days").EnumerateArray()
            .Where(d => d.GetProperty("day").GetString() == Today).Select(d => d.GetProperty("jobsRun").GetInt64()).FirstOrDefault();

    private async Task<(int Code, string Output, string Error)> CliAsync(params string[] args)
    {
        using var text = new StringWriter();
        using var error = new StringWriter();
        var code = await TenancyCli.RunAsync([.. args, "--apphost-data", System.App.DataDirectory()], text, error);
        return (code, text.ToString(), error.ToString());
    }
}
