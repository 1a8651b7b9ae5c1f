using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Jobs;

/// <summary>A tenant with what it takes to place orders: a product, a customer and a location.</summary>
public sealed record SalesTenant(TenancyClient Client, string Identifier, Guid ProductId, Guid CustomerId, Guid LocationId, decimal Price)
{
    public static async Task<SalesTenant> CreateAsync(TenancyClient client, decimal price = 10)
    {
        var identifier = await client.CreateTenantAsync();
        var product = await client.CreateProductAsync(identifier, "SKU-1", "Thing", price);
        var customer = await CreatedIdAsync(await client.AsTenant(identifier, HttpMethod.Post, "/api/customers", new { name = "Customer", email = $"buyer@{identifier}.example" }));
        var location = await CreatedIdAsync(await client.AsTenant(identifier, HttpMethod.Post, "/api/locations", new { name = "Shop", code = "S1" }));
        return new SalesTenant(client, identifier, product, customer, location, price);
    }

    /// <param name="traceParent">A W3C traceparent header to send, making the request part of that trace.</param>
    public async Task<Guid> PlaceOrderAsync(int quantity = 1, string? traceParent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = System.Net.Http.Json.JsonContent.Create(
                new { customerId = CustomerId, locationId = LocationId, lines = new[] { new { productId = ProductId, quantity } } }, options: TenancyClient.Json),
        };
        request.Headers.Host = $"{Identifier}.localhost";
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        return await CreatedIdAsync(await Client.Http.SendAsync(request));
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await Client.AsTenant(Identifier, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TenancyClient.ReadAsync(response);
    }

    /// <summary>The tenant's notifications (first page of 100).</summary>
    public async Task<List<JsonElement>> NotificationsAsync(string query = "") =>
        [.. (await GetAsync($"/api/notifications?pageSize=100{query}")).GetProperty("data").EnumerateArray()];

    /// <summary>Polls until <paramref name="done"/> holds for the tenant's notifications, and returns them.</summary>
    public async Task<List<JsonElement>> WaitForNotificationsAsync(Func<List<JsonElement>, bool> done, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var notifications = await NotificationsAsync();
            if (done(notifications))
            {
                return notifications;
            }

            if (waited.Elapsed > timeout)
            {
                Assert.Fail($"after {timeout.TotalSeconds:0} s, {Identifier} has {notifications.Count} notifications: {JsonSerializer.Serialize(notifications)}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await TenancyClient.ReadAsync(response)).GetProperty("id").GetGuid();
    }
}
