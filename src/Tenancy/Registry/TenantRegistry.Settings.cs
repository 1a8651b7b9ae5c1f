using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Tenancy.Settings;
using Tenancy.Tenants;

namespace Tenancy.Registry;

// A tenant's feature overrides, branding and settings: jsonb columns of its row, so they reach every instance's
// TenantLookup with the rest of the row (this instance's at once, the others' through the registry's NOTIFY).
public sealed partial class TenantRegistry
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What the registry holds now for a tenant that is not deleted, uncached: an admin reads what it just wrote.</summary>
    /// <exception cref="TenantNotFoundException">No such tenant, or a deleted one.</exception>
    public async Task<TenantInfo> ReadNotDeletedAsync(string identifier, CancellationToken cancellationToken = default) =>
        await ReadAsync(identifier, cancellationToken) is { Status: not TenantStatus.Deleted } tenant ? tenant : throw new TenantNotFoundException(identifier);

    /// <summary>Turns <paramref name="feature"/> on or off for this tenant alone, or with null back to its definition.</summary>
    public Task<Tenant> SetFeatureOverrideAsync(string identifier, string feature, bool? enabled, CancellationToken cancellationToken = default) =>
        ChangeAsync(identifier, tenant =>
        {
            // A new dictionary, so that change tracking sees a new value rather than the same one changed in place.
            var overrides = new Dictionary<string, bool>(tenant.FeatureOverrides, StringComparer.OrdinalIgnoreCase);
            if (enabled is { } on)
            {
                overrides[feature] = on;
            }
            else
            {
                overrides.Remove(feature);
            }

            tenant.FeatureOverrides = overrides;
        }, cancellationToken);

    /// <summary>Replaces the tenant's branding and settings (validated by the caller: <see cref="Settings.TenantSettingsService"/>).</summary>
    public Task<Tenant> SetSettingsAsync(string identifier, TenantSettings settings, CancellationToken cancellationToken = default) =>
        ChangeAsync(identifier, tenant =>
        {
            tenant.Branding = settings.Branding;
            tenant.Settings = new Dictionary<string, string>(settings.Values, StringComparer.Ordinal);
        }, cancellationToken);

    internal static string WriteJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    internal static Dictionary<string, bool> ReadFeatureOverrides(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, bool>>(json, Json) ?? [], StringComparer.OrdinalIgnoreCase);

    internal static TenantBranding ReadBranding(string json) => JsonSerializer.Deserialize<TenantBranding>(json, Json) ?? TenantBranding.None;

    internal static Dictionary<string, string> ReadSettings(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? [], StringComparer.Ordinal);

    /// <summary>Compares a jsonb column's values as the JSON they are stored as.</summary>
    internal static ValueComparer<T> JsonComparer<T>(Func<string, T> read) => new(
        (a, b) => WriteJson(a) == WriteJson(b),
        value => WriteJson(value).GetHashCode(StringComparison.Ordinal),
        value => read(WriteJson(value)));
}
