using System.Diagnostics;
using Tenancy.Tenants;

namespace Tenancy.Telemetry;

public static class TenantActivityExtensions
{
    /// <summary>Tags <paramref name="activity"/> with <paramref name="tenant"/> under the names every Tenancy span uses.</summary>
    public static Activity? SetTenantTags(this Activity? activity, TenantInfo tenant)
    {
        if (activity is null)
        {
            return null;
        }

        var tags = TenantTags.Of(tenant);
        return activity.SetTag(TenantActivityProcessor.TenantIdTag, tags.Id).SetTag(TenantActivityProcessor.TenantIdentifierTag, tags.Identifier);
    }
}
