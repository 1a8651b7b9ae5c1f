namespace Tenancy.Usage;

/// <summary>The days a usage report covers (UTC, inclusive): by default the 30 days up to today.</summary>
public readonly record struct UsagePeriod(DateOnly From, DateOnly To)
{
    /// <summary>At most a year per report: a billing period, not a table scan.</summary>
    public const int MaxDays = 366;

    public static UsagePeriod Of(DateOnly? from, DateOnly? to, DateOnly today)
    {
        var last = to ?? today;
        return new UsagePeriod(from ?? last.AddDays(-30), last);
    }

    /// <summary>Why the period cannot be reported, or null.</summary>
    public string? Problem => From > To
        ? $"'from' ({From:yyyy-MM-dd}) is after 'to' ({To:yyyy-MM-dd})."
        : To.DayNumber - From.DayNumber >= MaxDays ? $"A report covers at most {MaxDays} days ({From:yyyy-MM-dd} to {To:yyyy-MM-dd} is {To.DayNumber - From.DayNumber + 1}); ask for several." : null;
}
