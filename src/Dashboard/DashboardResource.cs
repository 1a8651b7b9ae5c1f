using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tenancy.Dashboard.Api;
using Tenancy.Dashboard.Otlp;
using Tenancy.Dashboard.Pages;
using Tenancy.Hosting;
using Tenancy.Hosting.Processes;

namespace Tenancy.Dashboard;

/// <summary>
/// The AppHost's own dashboard, run in the AppHost's process so it reads resource state and console output directly:
/// pages, JSON API and OTLP/HTTP on one endpoint (HTTP/1.1), OTLP/gRPC on another (HTTP/2 only: without TLS a
/// client cannot negotiate HTTP/2, so gRPC clients speak it from the first byte).
/// </summary>
public sealed class DashboardResource : Resource
{
    private readonly DistributedApplicationBuilder _builder;
    private WebApplication? _app;

    /// <remarks>
    /// The ports are chosen here, not at start like other resources' ports, because the services' OTLP endpoint names
    /// the gRPC one before anything starts.
    /// </remarks>
    internal DashboardResource(string name, DistributedApplicationBuilder builder, int httpPort, int otlpPort)
        : base(name)
    {
        _builder = builder;
        var randomizePorts = builder.Configuration.GetValue("AppHost:RandomizePorts", false);
        HttpPort = randomizePorts ? FreePort.Next() : httpPort;
        OtlpGrpcPort = randomizePorts ? FreePort.Next() : otlpPort;
    }

    public override string Type => "dashboard";

    public override string? DisplayUrl => HttpUrl;

    public int HttpPort { get; }

    public int OtlpGrpcPort { get; }

    public string HttpUrl => $"http://localhost:{HttpPort}";

    /// <summary>Where services send OTLP/gRPC (OTEL_EXPORTER_OTLP_ENDPOINT); OTLP/HTTP goes to <see cref="HttpUrl"/>.</summary>
    public string OtlpGrpcUrl => $"http://127.0.0.1:{OtlpGrpcPort}";

    /// <summary>Every resource of the AppHost, this one included.</summary>
    public IReadOnlyList<Resource> Resources => _builder.Resources;

    /// <summary>The AppHost's console once it runs; null before.</summary>
    public ResourceConsole? Console { get; private set; }

    /// <summary>The dashboard's services (its stores), once started; for tests and tools in the AppHost's process.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the dashboard has not started");

    internal override void Validate(AppHostContext context)
    {
        var limits = context.Configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        foreach (var (setting, value) in new[] { ("MaxSpans", limits.MaxSpans), ("MaxLogs", limits.MaxLogs), ("MaxMetricPoints", limits.MaxMetricPoints), ("MaxAttributes", limits.MaxAttributes) })
        {
            if (value <= 0)
            {
                throw new DistributedApplicationException($"{Name}: {DashboardOptions.Section}:{setting} must be a positive number (it is {value})");
            }
        }

        // Randomized ports were free when chosen; configured ones may be held by another AppHost.
        foreach (var (port, setting) in new[] { (HttpPort, $"Ports:{Name}"), (OtlpGrpcPort, $"Ports:{Name}-otlp") })
        {
            if (!context.RandomizePorts && !FreePort.IsFree(port))
            {
                throw new DistributedApplicationException($"port {port} for {Name} is already in use (another AppHost?): stop it or set {setting} to a free port");
            }
        }
    }

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        Console = context.Console;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DashboardResource).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
        });
        // The AppHost's console carries the resources' output; the dashboard speaks only when something is wrong.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Without TLS there is no protocol negotiation, so "Http1AndHttp2" would serve HTTP/1.1 anyway (with a warning).
            kestrel.Listen(IPAddress.Loopback, HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, OtlpGrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddDashboardServices(context.Configuration);
        builder.Services.AddSingleton(this);

        var app = builder.Build();
        app.MapGrpcService<OtlpTraceService>().RequireHost($"*:{OtlpGrpcPort}");
        app.MapGrpcService<OtlpLogsService>().RequireHost($"*:{OtlpGrpcPort}");
        app.MapGrpcService<OtlpMetricsService>().RequireHost($"*:{OtlpGrpcPort}");
        app.MapOtlpHttpApi();
        app.MapResourcesApi();
        app.MapTelemetryApi();
        app.MapDashboardPages();

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new DistributedApplicationException($"{Name}: cannot listen on ports {HttpPort} and {OtlpGrpcPort}: {ex.Message}", ex);
        }

        _app = app;
    }

    internal override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
        }
    }
}
