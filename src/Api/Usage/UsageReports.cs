using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Tenancy.Caching;
using Tenancy.Limits;
using Tenancy.Tenants;
using Tenancy.Usage;

namespace Tenancy.Api.Usage;

/// <summary>One tenant's usage report, as JSON or, for billing, CSV (<c>?format=csv</c> or <c>Accept: text/csv</c>).</summary>
public sealed class UsageReports(UsageStore store, TenantDataSize dataSize, TenantCacheBudget cacheBudget, TenantLimitResolver limits, TimeProvider clock)
{
    public async Task<Results<Ok<UsageReport>, ContentHttpResult, ValidationProblem>> AnswerAsync(
        TenantInfo tenant, DateOnly? from, DateOnly? to, string? format, HttpRequest request, CancellationToken cancellationToken)
    {
        var period = UsagePeriod.Of(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (Problem(period, format) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Measured now (and recorded for today), so the report's last figure is current.
        var bytes = await dataSize.BytesAsync(tenant, cancellationToken);
        var cache = await cacheBudget.MeasureAsync(tenant.Id, cancellationToken);
        var days = await store.ReadAsync(tenant.Id, period.From, period.To, cancellationToken);
        if (WantsCsv(format, request))
        {
            return TypedResults.Text(UsageCsv.Format(tenant.Identifier, days), UsageCsv.ContentType);
        }

        return TypedResults.Ok(new UsageReport(
            tenant.Identifier, tenant.Plan, period.From, period.To, bytes, cache?.Bytes, cache?.Entries, LimitsResponse.From(limits.For(tenant)), days));
    }

    private static Dictionary<string, string[]>? Problem(UsagePeriod period, string? format)
    {
        var errors = new Dictionary<string, string[]>();
        if (period.Problem is { } problem)
        {
            errors[period.From > period.To ? "from" : "to"] = [problem];
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
