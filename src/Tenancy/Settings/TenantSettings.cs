namespace Tenancy.Settings;

/// <summary>
/// A tenant's branding and its application settings (free-form strings by key), as the registry stores them and
/// <see cref="Tenants.TenantInfo"/> carries them. Settings are not a secret store: they are shown to platform admins,
/// printed by the CLI and cached in every instance's memory.
/// </summary>
public sealed record TenantSettings(TenantBranding Branding, IReadOnlyDictionary<string, string> Values)
{
    public static readonly TenantSettings Empty = new(TenantBranding.None, new Dictionary<string, string>(StringComparer.Ordinal));
}
