using Cronos;

namespace Tenancy.Worker.Jobs;

/// <summary><c>Sales:DailySalesSummary</c>: when the recurring dispatcher of daily summaries runs (UTC).</summary>
public sealed class DailySalesSummaryOptions
{
    public const string SectionName = "Sales:DailySalesSummary";

    /// <summary>A cron expression of 5 fields, or 6 with seconds first, as Hangfire takes them.</summary>
    public string Cron { get; set; } = "0 2 * * *";

    /// <summary>
    /// Whether Hangfire would take <see cref="Cron"/>: parsed as it parses it (by its field count, with Cronos), and
    /// with a next occurrence, so a date that never comes (30 February) fails at start instead of never running.
    /// </summary>
    public bool IsValid()
    {
        var format = Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.TryParse(Cron, format, out var expression)
            && expression.GetNextOccurrence(DateTime.UtcNow, TimeZoneInfo.Utc) is not null;
    }
}
