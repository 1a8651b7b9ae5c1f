using System.Text.Json.Serialization;
using Tenancy.AspNetCore.Resolution;

namespace Tenancy.Api.Jobs;

/// <summary>What the background jobs produce (tenant hosts), how to start them by hand, and their dashboard (platform).</summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var tenantApi = app.MapGroup("/api").RequireTenant();
        tenantApi.MapNotificationsApi();
        tenantApi.MapDailySalesApi();

        app.MapJobsAdminApi();
        app.MapJobsDashboard();
        return app;
    }
}

/// <summary>Source-generated serialization for what the jobs' endpoints cache.</summary>
[JsonSerializable(typeof(DailySalesResponse))]
internal sealed partial class JobsJsonContext : JsonSerializerContext;
