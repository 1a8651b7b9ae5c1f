using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service gets, in the shape of Aspire's ServiceDefaults template: OpenTelemetry, health checks,
/// service discovery and resilient HttpClients. PostgreSQL and Redis come from Aspire's client integrations
/// (<c>AddNpgsqlDataSource</c>, <c>AddRedisClient</c>), which add their own tracing, metrics and health checks.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";
    private const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddBasicServiceDefaults();

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Telemetry and health checks without the HttpClient defaults, for the Worker.</summary>
    public static TBuilder AddBasicServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        // Values classified as personal data (Tenancy.Telemetry.PersonalDataAttribute on a log parameter) are erased
        // before any logger, console or exporter, sees them.
        builder.Logging.EnableRedaction();
        builder.Services.AddRedaction();

        // Tenants reach metrics as a tier (or by name for a configured few), never one series each; the limit caps
        // every metric's series anyway, folding the excess into one overflow series instead of growing without bound.
        builder.Services.AddOptions<TelemetryMetricsOptions>().Bind(builder.Configuration.GetSection(TelemetryMetricsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.ConfigureOpenTelemetryMeterProvider((sp, metrics) =>
        {
            var cardinalityLimit = sp.GetRequiredService<IOptions<TelemetryMetricsOptions>>().Value.CardinalityLimit;
            metrics.AddView(instrument => new MetricStreamConfiguration { CardinalityLimit = cardinalityLimit });
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Tenancy.*");
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName, "Tenancy.*")
                    .AddAspNetCoreInstrumentation(options =>
                        // Probes every few seconds would drown the traces people look for.
                        options.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation();
            });

        builder.AddOpenTelemetryExporters();

        // After the exporters: the Azure Monitor exporter sets a sampler of its own (every trace), and the last one
        // set wins. Background work would otherwise fill the trace stores (and, on Azure, the bill).
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(OperationSampler.Instance));

        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        // On Azure Container Apps (infra/), traces, metrics and logs go straight to Application Insights, whose
        // connection string comes from Key Vault; no collector runs beside the apps.
        if (builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } applicationInsights)
        {
            builder.Services.AddOpenTelemetry().UseAzureMonitorExporter(options => options.ConnectionString = applicationInsights);
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.ConfigureDependencyHealthChecks();
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: ready to serve (every check, dependencies included); <c>/alive</c>: the process is responsive.
    /// Mapped in every environment, unlike the template's: both only report a status, and the platform's probes
    /// (infra/) need them in production.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
        });
        return app;
    }
}
