using Tenancy.Sales.Jobs;

namespace Tenancy.Worker.Jobs;

internal static class SalesJobsExtensions
{
    /// <summary>The sales jobs this Worker performs, and the recurring dispatcher of daily summaries.</summary>
    public static IHostApplicationBuilder AddSalesJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationDeliveryOptions>().Bind(builder.Configuration.GetSection(NotificationDeliveryOptions.SectionName));
        builder.Services.AddScoped<IOrderConfirmationJob, OrderConfirmationJob>();
        builder.Services.AddScoped<IDailySalesSummaryJob, DailySalesSummaryJob>();
        builder.Services.AddScoped<IDailySalesDispatcher, DailySalesDispatcher>();
        builder.Services.AddHostedService<RecurringJobsRegistration>();
        return builder;
    }
}
