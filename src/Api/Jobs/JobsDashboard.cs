using System.Net;
using System.Text.Json;
using Hangfire;
using Hangfire.Dashboard;
using Tenancy.Accounts.Tokens;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Context;
using Tenancy.Jobs;

namespace Tenancy.Api.Jobs;

/// <summary>
/// Hangfire's dashboard at <c>/jobs</c>: on the platform host only (a tenant host answers 404, as for every platform
/// endpoint), for platform admins only, and read-only.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/jobs";

    // Hangfire keeps renderers in a static list: add ours once per process, however many apps map the dashboard.
    private static int _rendererAdded;

    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        // The job page shows whose job it is (the lists show Hangfire's names, which cannot see job parameters).
        if (Interlocked.Exchange(ref _rendererAdded, 1) == 0)
        {
            GlobalConfiguration.Configuration.UseJobDetailsRenderer(10, RenderTenant);
        }

        var options = new DashboardOptions
        {
            DashboardTitle = "Tenancy jobs",
            Authorization = [new PlatformOnlyAuthorization()],
            IsReadOnlyFunc = _ => true,
            AppPath = null,
        };
        // RequirePlatform: the tenancy authorization admits platform admins only (401 without a token, 403 with a tenant's).
        return app.MapHangfireDashboard(Path, options, app.ServiceProvider.GetRequiredService<JobStorage>()).RequirePlatform();
    }

    private static NonEscapedString RenderTenant(JobDetailsRendererDto job)
    {
        var tenant = Parameter(job, TenantJobParameters.Tenant);
        var name = Parameter(job, TenantJobParameters.DisplayName);
        var html = tenant is null
            ? $"<div class=\"alert alert-info\">Platform job (no tenant). {WebUtility.HtmlEncode(name)}</div>"
            : $"<div class=\"alert alert-info\">Tenant <strong>{WebUtility.HtmlEncode(tenant)}</strong> ({WebUtility.HtmlEncode(Parameter(job, TenantJobParameters.TenantId))}): {WebUtility.HtmlEncode(name)}</div>";
        return new NonEscapedString(html);
    }

    // Parameters are stored as JSON values.
    private static string? Parameter(JobDetailsRendererDto job, string name)
    {
        if (job.JobDetails.Properties?.TryGetValue(name, out var raw) != true || raw is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<string>(raw);
        }
        catch (JsonException)
        {
            return raw;
        }
    }

    /// <summary>Hangfire's own check, behind the endpoint's: only a platform admin, never on a tenant's host.</summary>
    private sealed class PlatformOnlyAuthorization : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            return http.RequestServices.GetRequiredService<ITenantContextAccessor>().Current is null
                && TenancyClaims.IsPlatformAdmin(http.User);
        }
    }
}
