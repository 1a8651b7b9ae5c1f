using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Dashboard.Otlp;
using Tenancy.Dashboard.Storage;

namespace Tenancy.Dashboard;

/// <summary>The dashboard's own services: its options, stores, OTLP ingest and gRPC.</summary>
internal static class DashboardServices
{
    public static IServiceCollection AddDashboardServices(this IServiceCollection services, IConfiguration configuration)
    {
        // DashboardResource.Validate has checked the limits before anything started.
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection(DashboardOptions.Section));
        services.AddSingleton<SpanStore>();
        services.AddSingleton<LogStore>();
        services.AddSingleton<MetricStore>();
        services.AddSingleton<OtlpIngest>();
        services.AddGrpc();
        services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddProblemDetails();
        return services;
    }
}
