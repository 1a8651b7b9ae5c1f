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
        services.AddOptions<DashboardOptions>()
            .Bind(configuration.GetSection(DashboardOptions.Section))
            .Validate(o => o.MaxSpans > 0 && o.MaxLogs > 0 && o.MaxMetricPoints > 0 && o.MaxAttributes > 0, "Dashboard limits must be positive")
            .ValidateOnStart();
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
