using System.Reflection;

namespace Tenancy.UnitTests.Configuration;

/// <summary>
/// docs/configuration.md's settings table against the code: a row for every setting of every options class, no row
/// for a setting that is gone, and each default the one a fresh options object holds.
/// </summary>
public sealed class ConfigurationTableShould
{
    /// <summary>The product: the libraries, the sample's domain, the service defaults, and the Api, Worker and Console.</summary>
    private static readonly Assembly[] Product =
    [
        typeof(TenancyOptions).Assembly,
        typeof(Tenancy.AspNetCore.TenancyAspNetCoreExtensions).Assembly,
        typeof(Tenancy.Caching.TenantCacheOptions).Assembly,
        typeof(Tenancy.Jobs.TenantJobsOptions).Assembly,
        typeof(Tenancy.Accounts.AccountsOptions).Assembly,
        typeof(Tenancy.Files.TenantFilesOptions).Assembly,
        typeof(Tenancy.Sales.SalesDbContext).Assembly,
        typeof(Microsoft.Extensions.Hosting.TelemetryMetricsOptions).Assembly,
        typeof(Tenancy.Api.Infrastructure.TrustedProxyOptions).Assembly,
        typeof(Tenancy.Worker.Jobs.DailySalesSummaryOptions).Assembly,
        typeof(Tenancy.Console.Extensions.ConsoleOptions).Assembly,
    ];

    /// <summary>Defaults that depend on the machine: the table says how in words, and no value is compared.</summary>
    private static readonly HashSet<string> MachineDependent = new(StringComparer.Ordinal) { "Tenancy:Jobs:WorkerCount" };

    private static IReadOnlyList<OptionsSetting> Code => [.. OptionsSettings.OptionsTypes(Product).SelectMany(OptionsSettings.Of)];

    private static IReadOnlyList<ConfigurationRow> Table => ConfigurationTable.Read(ConfigurationTable.PathInRepository());

    [Fact]
    public void List_every_setting_of_the_options_classes()
    {
        var documented = Table.Select(r => ConfigurationTable.Normalize(r.Key)).ToHashSet(StringComparer.Ordinal);

        var missing = Code.Where(s => !documented.Contains(s.Key)).Select(s => $"{s.Key} ({s.Source})").ToList();

        Assert.True(missing.Count == 0, $"{ConfigurationTable.RelativePath} has no row for: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Name_only_settings_the_code_has()
    {
        var known = Code.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

        var stale = Table.Where(r => !known.Contains(ConfigurationTable.Normalize(r.Key))).Select(r => $"{r.Key} (line {r.Line})").ToList();

        Assert.True(stale.Count == 0, $"{ConfigurationTable.RelativePath} documents settings no options class has: {string.Join(", ", stale)}.");
    }

    [Fact]
    public void Give_the_defaults_of_fresh_options()
    {
        var rows = Table.ToLookup(r => ConfigurationTable.Normalize(r.Key), StringComparer.Ordinal);

        var wrong = Code
            .Where(s => !MachineDependent.Contains(s.Key))
            .SelectMany(s => rows[s.Key].Where(r => r.Default != s.Default)
                .Select(r => r.Default is null
                    ? $"{r.Key} (line {r.Line}): the default is not one code span; {s.Source} defaults to `{s.Default}`"
                    : $"{r.Key} (line {r.Line}): the table says `{r.Default}`, {s.Source} defaults to `{s.Default}`"))
            .ToList();

        Assert.True(wrong.Count == 0, $"{ConfigurationTable.RelativePath}: {string.Join("; ", wrong)}.");
    }

    [Fact]
    public void Have_one_row_per_setting()
    {
        var repeated = Table.GroupBy(r => ConfigurationTable.Normalize(r.Key), StringComparer.Ordinal)
            .Where(g => g.Count() > 1).Select(g => $"{g.Key} (lines {string.Join(", ", g.Select(r => r.Line))})").ToList();

        Assert.True(repeated.Count == 0, $"{ConfigurationTable.RelativePath} has several rows for: {string.Join(", ", repeated)}.");
    }
}
