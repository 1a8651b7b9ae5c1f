using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tenancy.Accounts;
using Tenancy.Caching;
using Tenancy.Jobs;
using Tenancy.Sales;
using Tenancy.Worker.Jobs;

namespace Tenancy.UnitTests.Configuration;

/// <summary>Settings that cannot work stop a host as it starts (ValidateOnStart), naming the setting and never its value.</summary>
public sealed class StartupValidationShould
{
    [Fact]
    public void Accept_the_defaults() => Validator([]).Validate();

    [Theory]
    [InlineData("Tenancy:RootDomains:0", "Example.com", "Tenancy: every RootDomains entry")]
    [InlineData("Tenancy:DefaultPlan", " ", "DefaultPlan")]
    [InlineData("Tenancy:Databases:MaxConnections", "2", "Tenancy:Databases")]
    [InlineData("Tenancy:Databases:AcquireTimeoutSeconds", "0", "Tenancy:Databases")]
    [InlineData("Tenancy:Cache:Expiration", "00:00:00", "Tenancy:Cache")]
    [InlineData("Tenancy:Jobs:Schema", "", "Tenancy:Jobs: Schema")]
    [InlineData("Tenancy:Auth:SignInFirstBackoff", "01:00:00", "SignInFirstBackoff")]
    [InlineData("Tenancy:Auth:SignInPermitLimit", "0", "SignInPermitLimit")]
    [InlineData("Tenancy:Auth:MinimumPasswordLength", "4", "MinimumPasswordLength")]
    [InlineData("Tenancy:Admin:Email", "ops@example.com", "Tenancy:Admin:Password")]
    [InlineData("Telemetry:Metrics:CardinalityLimit", "0", "CardinalityLimit")]
    [InlineData("Tenancy:Moves:FreezeSeconds", "0", "Tenancy:Moves")]
    [InlineData("Tenancy:Moves:GraceMilliseconds", "60000", "Tenancy:Moves")]
    [InlineData("Tenancy:Plans:trial:users", "-1", "Tenancy:Plans")]
    public void Stop_a_start_whose_setting_cannot_work(string key, string value, string named)
    {
        Assert.Contains(named, Failure(new() { [key] = value }), StringComparison.Ordinal);
    }

    [Fact]
    public void Never_show_the_admin_password()
    {
        const string password = "a password nobody may read";

        var failure = Failure(new() { ["Tenancy:Admin:Email"] = "not an address", ["Tenancy:Admin:Password"] = password });

        Assert.Contains("Tenancy:Admin:Email", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(password, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 2 * * *", true)]
    [InlineData("*/30 * * * * *", true)]
    [InlineData("@daily", true)]
    [InlineData("0 2 * *", false)]
    [InlineData("every night", false)]
    [InlineData("0 0 30 2 *", false)]
    public void Take_only_a_daily_summary_schedule_Hangfire_can_run(string cron, bool valid) =>
        Assert.Equal(valid, new DailySalesSummaryOptions { Cron = cron }.IsValid());

    /// <summary>
    /// Every failure, as a host's start shows it: one settings class read by another's validation (the limits read the
    /// plans) fails twice, so several failures come as one AggregateException.
    /// </summary>
    private static string Failure(Dictionary<string, string?> settings)
    {
        var error = Record.Exception(() => Validator(settings).Validate());
        var failures = error is AggregateException all ? [.. all.InnerExceptions] : new List<Exception?> { error };
        Assert.All(failures, failure => Assert.IsType<OptionsValidationException>(failure));
        return string.Join(Environment.NewLine, failures.Select(failure => failure!.ToString()));
    }

    /// <summary>The start-up validation of a host wired as the Api and Worker are (nothing connects).</summary>
    private static IStartupValidator Validator(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tenancydb"] = "Host=127.0.0.1;Port=1;Database=tenancydb;Username=nobody",
            ["ConnectionStrings:cache"] = "127.0.0.1:1",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureOpenTelemetry();
        builder.AddTenancy<SalesDbContext>("tenancydb").WithStartupMigrations().WithCaching("cache").WithJobs().WithAccounts();
        return builder.Build().Services.GetRequiredService<IStartupValidator>();
    }
}
