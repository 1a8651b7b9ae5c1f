using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Tenancy.Limits;
using Tenancy.Tenants;
using Tenancy.Usage;

namespace Tenancy.Api.Usage;

/// <summary>One tenant's usage report, as JSON or, for billing, CSV (<c>?format=csv</c> or <c>Accept: text/csv</c>).</summary>
public sealed class UsageReports(UsageStore store, TenantDataSize dataSize, TenantLimitResolver limits, TimeProvider clock)
{
    /// <summary>At most a year per report: a billing period, not a table scan.</summary>
    public const int MaxDays = 366;

    public async Task<Results<Ok<UsageReport>, ContentHttpResult, ValidationProblem>> AnswerAsync(
        TenantInfo tenant, DateOnly? from, DateOnly? to, string? format, HttpRequest request, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var last = to ?? today;
        var first = from ?? last.AddDays(-30);
        if (Problem(first, last, format) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Measured now (and recorded for today), so the report's last figure is current.
        var bytes = await dataSize.BytesAsync(tenant, cancellationToken);
        var days = await store.ReadAsync(tenant.Id, first, last, cancellationToken);
        if (WantsCsv(format, request))
        {
            return TypedResults.Text(UsageCsv.Format(tenant.Identifier, days), UsageCsv.ContentType);
        }

        return TypedResults.Ok(new UsageReport(tenant.Identifier, tenant.Plan, first, last, bytes, LimitsResponse.From(limits.For(tenant)), days));
    }

    private static Dictionary<string, string[]>? Problem(DateOnly from, DateOnly to, string? format)
    {
        var errors = new Dictionary<string, string[]>();
        if (from > to)
        {
            errors["from"] = [$"'from' ({from:yyyy-MM-dd}) is after 'to' ({to:yyyy-MM-dd})."];
        }
        else if (to.DayNumber - from.DayNumber >= MaxDays)
        {
            errors["to"] = [$"A report covers at most {MaxDays} days; ask for several."];
        }

        if (format is not (null or "json" or "csv"))
        {
            errors["format"] = ["The format is 'json' (the default) or 'csv'."];
        }

        return errors.Count > 0 ? errors : null;
    }

    private static bool WantsCsv(string? format, HttpRequest request) =>
        format == "csv" || (format is null && request.GetTypedHeaders().Accept.Any(accept => accept.MediaType.Equals(UsageCsv.ContentType, StringComparison.OrdinalIgnoreCase)));
}
