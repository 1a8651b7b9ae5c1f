namespace Tenancy.Dashboard.Storage;

/// <summary>The attribute names the dashboard filters on.</summary>
public static class TelemetryAttributes
{
    public const string TenantId = "tenant.id";
    public const string TenantIdentifier = "tenant.identifier";
    public const string TenantTier = "tenant.tier";
    public const string ServiceName = "service.name";
}
