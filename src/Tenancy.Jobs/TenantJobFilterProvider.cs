using System.Runtime.CompilerServices;
using Hangfire;
using Hangfire.Common;
using Tenancy.Jobs.Context;
using Tenancy.Jobs.Fairness;
using Tenancy.Jobs.Rejection;
using Tenancy.Jobs.Telemetry;

namespace Tenancy.Jobs;

/// <summary>
/// The filters of this service's Hangfire client and server: Hangfire's own (global and attribute ones) plus the tenancy
/// filters, kept out of Hangfire's static <c>GlobalJobFilters</c> so that each host (and each test host in one process)
/// has its own, built from its own services. Automatic retries skip jobs refused for their tenant.
/// </summary>
internal sealed class TenantJobFilterProvider : IJobFilterProvider
{
    private readonly JobFilter[] _tenancyFilters;
    private readonly ConditionalWeakTable<AutomaticRetryAttribute, RetryUnlessRejected> _retries = [];

    public TenantJobFilterProvider(
        TenantJobClientFilter clientFilter,
        TenantJobTelemetryFilter telemetryFilter,
        TenantJobRejectionFilter rejectionFilter,
        TenantQueueRouter? queueRouter = null,
        TenantConcurrencyLimiter? concurrencyLimiter = null)
    {
        List<JobFilter> filters =
        [
            new(clientFilter, JobFilterScope.Global, null),
            new(telemetryFilter, JobFilterScope.Global, null),
            // Before Hangfire's retries and statistics, so a refused job is never counted as a retry.
            new(rejectionFilter, JobFilterScope.Global, -100),
        ];
        if (queueRouter is not null)
        {
            filters.Add(new JobFilter(queueRouter, JobFilterScope.Global, null));
        }

        if (concurrencyLimiter is not null)
        {
            filters.Add(new JobFilter(concurrencyLimiter, JobFilterScope.Global, null));
        }

        _tenancyFilters = [.. filters];
    }

    public IEnumerable<JobFilter> GetFilters(Job job) =>
        JobFilterProviders.Providers.GetFilters(job)
            .Select(filter => filter.Instance is AutomaticRetryAttribute retry
                ? new JobFilter(_retries.GetValue(retry, r => new RetryUnlessRejected(r)), filter.Scope, filter.Order)
                : filter)
            .Concat(_tenancyFilters)
            .OrderBy(filter => filter.Order)
            .ThenBy(filter => filter.Scope);
}
