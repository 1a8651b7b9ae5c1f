using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Tenancy.EndToEndTests.Dashboard;

/// <summary>A span as the Aspire dashboard holds it (its telemetry API answers in OTLP JSON).</summary>
public sealed record ExportedSpan(
    string Service, string TraceId, string SpanId, string ParentSpanId, string Name, string Scope, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public const int ServerKind = 2;

    public string? TenantId => Attributes.GetValueOrDefault("tenant.id");

    public string? TenantIdentifier => Attributes.GetValueOrDefault("tenant.identifier");
}

/// <summary>A structured log record as the dashboard holds it, with its attributes (scope values among them).</summary>
public sealed record ExportedLog(string Service, string Message, IReadOnlyDictionary<string, string> Attributes);

/// <summary>The Aspire dashboard's telemetry API (<c>/api/telemetry</c>), as a script would use it.</summary>
public sealed class DashboardTelemetry(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<List<ExportedSpan>> SpansAsync()
    {
        var spans = new List<ExportedSpan>();
        foreach (var (service, scope, item) in await ReadAsync("/api/telemetry/spans?limit=100000", "resourceSpans", "scopeSpans", "spans"))
        {
            spans.Add(new ExportedSpan(
                service,
                item.GetProperty("traceId").GetString()!,
                item.GetProperty("spanId").GetString()!,
                item.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "",
                item.GetProperty("name").GetString()!,
                scope,
                item.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.Number ? kind.GetInt32() : 0,
                Attributes(item)));
        }

        return spans;
    }

    public async Task<List<ExportedLog>> LogsAsync()
    {
        var logs = new List<ExportedLog>();
        foreach (var (service, _, item) in await ReadAsync("/api/telemetry/logs?limit=100000", "resourceLogs", "scopeLogs", "logRecords"))
        {
            var body = item.TryGetProperty("body", out var value) && value.TryGetProperty("stringValue", out var text) ? text.GetString() ?? "" : "";
            logs.Add(new ExportedLog(service, body, Attributes(item)));
        }

        return logs;
    }

    /// <summary>Polls until a span that <paramref name="match"/> accepts is in.</summary>
    public async Task<ExportedSpan> WaitForSpanAsync(Func<ExportedSpan, bool> match, string what) =>
        (await WaitForAsync(async () => (await SpansAsync()).FirstOrDefault(match), span => span is not null, what))!;

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds (the services export every second or so).</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutSeconds = 60)
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
            await Task.Delay(500);
        }
    }

    private async Task<List<(string Service, string Scope, JsonElement Item)>> ReadAsync(string path, string resourceList, string scopeList, string itemList)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        var items = new List<(string, string, JsonElement)>();
        if (!document.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty(resourceList, out var resources))
        {
            return items;
        }

        foreach (var resource in resources.EnumerateArray())
        {
            var service = Attributes(resource.GetProperty("resource")).GetValueOrDefault("service.name", "");
            foreach (var scope in resource.GetProperty(scopeList).EnumerateArray())
            {
                var scopeName = scope.TryGetProperty("scope", out var s) && s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                foreach (var item in scope.GetProperty(itemList).EnumerateArray())
                {
                    items.Add((service, scopeName, item.Clone()));
                }
            }
        }

        return items;
    }

    private static Dictionary<string, string> Attributes(JsonElement element)
    {
        var attributes = new Dictionary<string, string>();
        if (element.TryGetProperty("attributes", out var list))
        {
            foreach (var attribute in list.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                attributes[attribute.GetProperty("key").GetString()!] = value.EnumerateObject().FirstOrDefault().Value.ToString();
            }
        }

        return attributes;
    }
}
