using System.Globalization;
using System.Reflection;
using Hangfire;
using Hangfire.Common;

namespace Tenancy.Jobs;

/// <summary>How jobs are named: a stable operation name for spans, a display name with its tenant for people.</summary>
public static class TenantJobNames
{
    /// <summary><c>IOrderConfirmationJob.SendAsync</c>: few distinct values, fit for span names and metrics.</summary>
    public static string Operation(Job? job) => job is null ? "unknown" : $"{job.Type.Name}.{job.Method.Name}";

    /// <summary><c>acme: SendOrderConfirmation #0198…</c>, from the method's <see cref="JobDisplayNameAttribute"/>.</summary>
    public static string Display(Job? job, string? tenant)
    {
        var name = Operation(job);
        if (job?.Method.GetCustomAttribute<JobDisplayNameAttribute>() is { } attribute)
        {
            try
            {
                name = string.Format(CultureInfo.InvariantCulture, attribute.DisplayName, [.. job.Args]);
            }
            catch (FormatException)
            {
                name = attribute.DisplayName;
            }
        }

        return tenant is null ? name : $"{tenant}: {name}";
    }
}
