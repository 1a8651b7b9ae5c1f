using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>The dashboard's JSON API, as a script would use it.</summary>
public sealed class DashboardApi(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(TenancyClient.Json);
    }

    public async Task<List<JsonElement>> TracesAsync(string query = "") => [.. (await GetAsync($"/api/traces?{query}")).EnumerateArray()];

    public async Task<List<JsonElement>> TraceAsync(string traceId) =>
        [.. (await GetAsync($"/api/traces/{traceId}")).GetProperty("spans").EnumerateArray()];

    /// <summary>Every span of every trace the dashboard lists for <paramref name="query"/>.</summary>
    public async Task<List<JsonElement>> SpansOfTracesAsync(string query)
    {
        var spans = new List<JsonElement>();
        foreach (var trace in await TracesAsync(query))
        {
            spans.AddRange(await TraceAsync(trace.GetProperty("traceId").GetString()!));
        }

        return spans;
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds (telemetry is exported every second).</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutSeconds = 30)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(timeoutSeconds), $"the dashboard did not show {what} within {timeoutSeconds} s");
            await Task.Delay(250);
        }
    }
}

/// <summary>Reads the fields of the dashboard's span JSON.</summary>
public static class SpanJson
{
    public static string Resource(this JsonElement span) => span.GetProperty("resource").GetString()!;

    public static string Name(this JsonElement span) => span.GetProperty("name").GetString()!;

    public static string Kind(this JsonElement span) => span.GetProperty("kind").GetString()!;

    public static string Scope(this JsonElement span) => span.GetProperty("scope").GetString()!;

    public static string? TenantId(this JsonElement span) => span.GetProperty("tenantId").GetString();

    public static string? TenantIdentifier(this JsonElement span) => span.GetProperty("tenantIdentifier").GetString();

    public static string? Attribute(this JsonElement span, string name) =>
        span.GetProperty("attributes").TryGetProperty(name, out var value) ? value.GetString() : null;
}
