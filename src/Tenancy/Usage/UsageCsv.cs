using System.Globalization;
using System.Text;

namespace Tenancy.Usage;

/// <summary>Usage as CSV for billing (RFC 4180, invariant culture, ISO dates, empty cells for unmeasured sizes).</summary>
public static class UsageCsv
{
    public const string ContentType = "text/csv";

    public const string Header = "tenant,day,requests,errors,jobs_run,data_bytes,cache_bytes";

    public static string Format(string tenant, IEnumerable<UsageDay> days)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var day in days)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{Quote(tenant)},{day.Day:yyyy-MM-dd},{day.Requests},{day.Errors},{day.JobsRun},{day.DataBytes},{day.CacheBytes}\r\n");
        }

        return csv.ToString();
    }

    // Identifiers never need it; kept so the format holds whatever a tenant column is given.
    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
