namespace Tenancy.Settings;

/// <summary>
/// How the tenant's pages present it; every part optional (null: the application's own). <see cref="Logo"/> names a
/// file of the tenant's file storage, never a path or a URL, so it can only ever point into the tenant's own files.
/// </summary>
public sealed record TenantBranding(string? DisplayName = null, string? PrimaryColor = null, string? AccentColor = null, string? Logo = null)
{
    public static readonly TenantBranding None = new();
}
