using System.Diagnostics;
using OpenTelemetry;
using Tenancy.Context;

namespace Tenancy.Telemetry;

/// <summary>
/// Tags every span that starts while a tenant is current (requests, HttpClient calls, Npgsql commands, cache and job
/// spans) with <c>tenant.id</c> and <c>tenant.identifier</c>, so traces can be filtered by tenant. The tenant comes
/// from the server-side tenant context only, never from an inbound <c>baggage</c> header a client could forge.
/// </summary>
public sealed class TenantActivityProcessor(ITenantContextAccessor tenants) : BaseProcessor<Activity>
{
    public const string TenantIdTag = "tenant.id";
    public const string TenantIdentifierTag = "tenant.identifier";

    public override void OnStart(Activity data)
    {
        if (tenants.Current is { } tenant)
        {
            data.SetTenantTags(tenant);
        }
    }
}
