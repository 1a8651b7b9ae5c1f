using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tenancy.Caching;
using Tenancy.Context;
using Tenancy.Limits;
using Tenancy.Registry;
using Tenancy.Tenants;
using Tenancy.Usage;

namespace Tenancy.Cli;

/// <summary><c>tenancy tenants usage</c> and <c>tenancy tenants limits</c>: what the API's usage and limits endpoints answer and set.</summary>
internal static class UsageCommands
{
    private const string PlanValue = "plan";

    public static IEnumerable<Command> Create(GlobalOptions global) => [UsageCommand(global), LimitsCommand(global)];

    private static Command UsageCommand(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var from = new Option<DateOnly?>("--from") { Description = "First day (UTC, yyyy-MM-dd); default: 30 days before --to" };
        var to = new Option<DateOnly?>("--to") { Description = "Last day (UTC, yyyy-MM-dd); default: today" };
        var csv = new Option<bool>("--csv") { Description = "CSV for billing, as GET /api/tenants/{identifier}/usage?format=csv" };
        var command = new Command("usage", "A tenant's usage per day: requests, errors, jobs run, data and cache bytes") { identifier, from, to, csv };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            var period = UsagePeriod.Of(cli.Get(from), cli.Get(to), DateOnly.FromDateTime(DateTime.UtcNow));
            if (period.Problem is { } problem)
            {
                throw new CliUsageException(problem);
            }

            await using var services = await cli.OpenServicesAsync(ct);
            var tenant = TenantInfo.From(await services.Get<TenantRegistry>().FindAsync(id, ct) ?? throw new TenantNotFoundException(id));
            var dataBytes = await services.Get<TenantDataSize>().BytesAsync(tenant, ct);
            // Without a cache configured there is nothing in it to measure.
            var cache = services.Find<TenantCacheBudget>() is { } budget ? await budget.MeasureAsync(tenant.Id, ct) : null;
            var days = await services.Get<UsageStore>().ReadAsync(tenant.Id, period.From, period.To, ct);
            var limits = services.Get<TenantLimitResolver>().For(tenant);
            if (cli.Get(csv))
            {
                cli.Output.Writer.Write(UsageCsv.Format(tenant.Identifier, days));
                return ExitCodes.Ok;
            }

            if (cli.Output.IsJson)
            {
                cli.Output.WriteJson(new
                {
                    tenant = tenant.Identifier, tenant.Plan, period.From, period.To, dataBytesNow = dataBytes,
                    cacheBytesNow = cache?.Bytes, cacheEntriesNow = cache?.Entries, limits, days,
                });
                return ExitCodes.Ok;
            }

            var table = Output.Table("Day", "Requests", "Errors", "Jobs run", "Data bytes", "Cache bytes");
            foreach (var day in days)
            {
                table.AddRow(
                    Output.Cell(day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    Output.Cell(day.Requests), Output.Cell(day.Errors), Output.Cell(day.JobsRun), Output.Cell(day.DataBytes), Output.Cell(day.CacheBytes));
            }

            if (days.Count > 0)
            {
                cli.Output.Write(table);
            }

            cli.Output.WriteLine($"{tenant.Identifier}: {days.Count} day(s) with use from {period.From:yyyy-MM-dd} to {period.To:yyyy-MM-dd}; {Describe(tenant, limits, dataBytes)}");
            cli.Output.WriteLine($"{tenant.Identifier}: {DescribeCacheAndJobs(tenant, limits, cache)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command LimitsCommand(GlobalOptions global)
    {
        var identifier = CliOptions.IdentifierArgument();
        var requests = new Option<string?>("--requests") { Description = $"Requests per window for this tenant, or '{PlanValue}' for its plan's" };
        var data = new Option<string?>("--max-data-bytes") { Description = $"Data quota in bytes for this tenant, or '{PlanValue}' for its plan's" };
        var cacheEntries = new Option<string?>("--max-cache-entries") { Description = $"Cache entries in Redis for this tenant, or '{PlanValue}' for its plan's" };
        var concurrentJobs = new Option<string?>("--max-concurrent-jobs") { Description = $"Jobs running at once for this tenant, or '{PlanValue}' for its plan's" };
        var command = new Command("limits", "Show a tenant's limits, or set its own over its plan's (as PUT /api/tenants/{identifier}/limits)")
        {
            identifier, requests, data, cacheEntries, concurrentJobs,
        };
        command.Runs(global, async (cli, ct) =>
        {
            var id = CliOptions.RequireIdentifier(cli.Get(identifier));
            var (newRequests, newData, newCacheEntries, newConcurrentJobs) = (cli.Get(requests), cli.Get(data), cli.Get(cacheEntries), cli.Get(concurrentJobs));
            await using var services = await cli.OpenServicesAsync(ct);
            var registry = services.Get<TenantRegistry>();
            var tenant = await registry.FindAsync(id, ct) ?? throw new TenantNotFoundException(id);
            if (newRequests is not null || newData is not null || newCacheEntries is not null || newConcurrentJobs is not null)
            {
                // Only what is given changes; the other overrides stay as they are.
                var overrides = LimitOverrides.Of(
                    newRequests is null ? tenant.RequestsPerWindow : (int?)Override(newRequests, "--requests", int.MaxValue),
                    newData is null ? tenant.MaxDataBytes : Override(newData, "--max-data-bytes", long.MaxValue),
                    newCacheEntries is null ? tenant.MaxCacheEntries : (int?)Override(newCacheEntries, "--max-cache-entries", int.MaxValue),
                    newConcurrentJobs is null ? tenant.MaxConcurrentJobs : (int?)Override(newConcurrentJobs, "--max-concurrent-jobs", int.MaxValue));
                tenant = await registry.SetLimitOverridesAsync(id, overrides, ct);
            }

            var info = TenantInfo.From(tenant);
            var limits = services.Get<TenantLimitResolver>().For(info);
            if (cli.Output.IsJson)
            {
                cli.Output.WriteJson(new { tenant = info.Identifier, info.Plan, limits });
                return ExitCodes.Ok;
            }

            cli.Output.WriteLine($"{info.Identifier}: {Describe(info, limits, dataBytes: null)}");
            cli.Output.WriteLine($"{info.Identifier}: {DescribeCacheAndJobs(info, limits, cache: null)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A positive number, or null for <c>plan</c>.</summary>
    private static long? Override(string value, string option, long max) =>
        value == PlanValue ? null
        : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= max ? number
        : throw new CliUsageException($"{option} is a positive whole number or '{PlanValue}' (got '{value}')");

    /// <summary>What the tenant holds in the cache's Redis tier, when measured, its budget there, and its cap on jobs at once.</summary>
    private static string DescribeCacheAndJobs(TenantInfo tenant, TenantLimits limits, CacheUsage? cache)
    {
        var held = cache is { } usage ? $"{usage.Entries} cache entries ({usage.Bytes} bytes) in Redis, " : "";
        var budget = limits.MaxCacheEntries is { } entries ? $"at most {entries} ({TenantLimits.Source(limits.CacheEntriesOverridden, tenant)})" : "unlimited";
        var jobs = limits.MaxConcurrentJobs is { } max ? $"at most {max} ({TenantLimits.Source(limits.ConcurrentJobsOverridden, tenant)})" : "unlimited";
        return string.Create(CultureInfo.InvariantCulture, $"{held}cache entries {budget}; jobs at once {jobs}");
    }

    private static string Describe(TenantInfo tenant, TenantLimits limits, long? dataBytes)
    {
        var quota = limits.MaxDataBytes is { } max ? $"{max} bytes ({TenantLimits.Source(limits.DataOverridden, tenant)})" : "unlimited";
        var stored = dataBytes is { } bytes ? $"{bytes} bytes stored, " : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{limits.RequestsPerWindow} requests per {limits.Window.TotalSeconds:0.###} s ({TenantLimits.Source(limits.RequestsOverridden, tenant)}); {stored}data quota {quota}");
    }
}
