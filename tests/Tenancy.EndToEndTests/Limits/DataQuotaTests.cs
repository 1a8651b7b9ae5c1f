using System.Diagnostics;
using System.Net;

namespace Tenancy.EndToEndTests.Limits;

/// <summary>A tenant at its data quota cannot add data (413 naming maxDataBytes) but can read and delete; a larger quota lets it write again.</summary>
[Collection(LimitsCollection.Name)]
public sealed class DataQuotaTests(LimitsSystemFixture fixture)
{
    private TwoApiInstances System => fixture.System;

    [Fact]
    public async Task A_tenant_over_its_data_quota_is_refused_writes_with_413_and_keeps_reads_and_deletes()
    {
        var tenant = await System.First.CreateTenantAsync();
        var product = await System.First.CreateProductAsync(tenant, "Q-1", "Before the quota");
        await System.First.SetLimitsAsync(tenant, requestsPerWindow: null, maxDataBytes: 1);

        foreach (var api in new[] { System.First, System.Second })
        {
            var refused = await WaitForStatusAsync(() => api.AsTenant(tenant, HttpMethod.Post, "/api/products", new { sku = "Q-2", name = "Over", price = 1 }), HttpStatusCode.RequestEntityTooLarge);
            var problem = await TenancyClient.AssertProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal("maxDataBytes", problem.GetProperty("limit").GetString());
            Assert.Equal(1, problem.GetProperty("max").GetInt64());
            Assert.True(problem.GetProperty("used").GetInt64() > 1);
            Assert.Contains($"Tenant '{tenant}' stores", problem.GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.OK, (await api.AsTenant(tenant, HttpMethod.Get, "/api/products")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await System.Second.AsTenant(tenant, HttpMethod.Delete, $"/api/products/{product}")).StatusCode);

        await System.First.SetLimitsAsync(tenant, requestsPerWindow: null, maxDataBytes: null);
        await WaitForStatusAsync(() => System.Second.AsTenant(tenant, HttpMethod.Post, "/api/products", new { sku = "Q-3", name = "Under again", price = 1 }), HttpStatusCode.Created);
    }

    /// <summary>The instance applies a registry change when its NOTIFY arrives: within 2 s.</summary>
    private static async Task<HttpResponseMessage> WaitForStatusAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if (response.StatusCode == status || waited.Elapsed > TimeSpan.FromSeconds(2))
            {
                Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return response;
            }

            await Task.Delay(50);
        }
    }
}
