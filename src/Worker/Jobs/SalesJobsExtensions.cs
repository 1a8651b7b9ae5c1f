using Tenancy.Sales.Jobs;

namespace Tenancy.Worker.Jobs;

internal static class SalesJobsExtensions
{
    /// <summary>The sales jobs this Worker performs, and the recurring dispatcher of daily summaries.</summary>
    public static IHostApplicationBuilder AddSalesJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationDeliveryOptions>().Bind(builder.Configuration.GetSection(NotificationDeliveryOptions.SectionName))
            // Task.Delay takes -1 ms as "forever" and refuses other negative waits.
            .Validate(o => o.SimulatedSendLatency >= TimeSpan.Zero, $"{NotificationDeliveryOptions.SectionName}:SimulatedSendLatency is not negative.")
            .ValidateOnStart();
        builder.Services.AddOptions<DailySalesSummaryOptions>().Bind(builder.Configuration.GetSection(DailySalesSummaryOptions.SectionName))
            .Validate(o => o.IsValid(), $"{DailySalesSummaryOptions.SectionName}:Cron is a cron expression (5 fields, or 6 with seconds) that has a next occurrence.")
            .ValidateOnStart();
        builder.Services.AddScoped<IOrderConfirmationJob, OrderConfirmationJob>();
        builder.Services.AddScoped<IDailySalesSummaryJob, DailySalesSummaryJob>();
        builder.Services.AddScoped<IDailySalesDispatcher, DailySalesDispatcher>();
        builder.Services.AddHostedService<RecurringJobsRegistration>();
        return builder;
    }
}
