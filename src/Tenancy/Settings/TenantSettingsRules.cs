using System.Text.RegularExpressions;
using Tenancy.Provisioning;

namespace Tenancy.Settings;

/// <summary>
/// Every rule a tenant's branding and settings must meet, in one place, for the Api and the CLI alike; errors per
/// field, camelCase as the JSON nests them (<c>branding.logo</c>, <c>values.{key}</c> for one setting).
/// </summary>
public static partial class TenantSettingsRules
{
    /// <summary>The longest logo file name: what blob and file stores accept for one path segment.</summary>
    public const int MaxLogoLength = 255;

    /// <summary>
    /// The settings as they are to be stored (colours in lowercase, blank parts null), and every broken rule; the
    /// settings are only to be stored when there are none.
    /// </summary>
    public static (TenantSettings Settings, Dictionary<string, string[]> Errors) Check(TenantSettings settings, TenantSettingsOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        var branding = settings.Branding;
        var displayName = Blank(branding.DisplayName);
        if (displayName is not null && (displayName.Length > TenantValidation.MaxNameLength || displayName.Any(char.IsControl)))
        {
            errors["branding.displayName"] = [$"At most {TenantValidation.MaxNameLength} characters, none of them control characters."];
        }

        var primary = Colour(branding.PrimaryColor, "branding.primaryColor", errors);
        var accent = Colour(branding.AccentColor, "branding.accentColor", errors);
        var logo = Blank(branding.Logo);
        if (logo is not null && (logo.Length > MaxLogoLength || !FileName().IsMatch(logo) || logo.Contains("..", StringComparison.Ordinal)))
        {
            errors["branding.logo"] = [$"The name of a file in the tenant's storage: at most {MaxLogoLength} letters, digits, '.', '-' or '_', not starting with '.' (no path)."];
        }

        if (settings.Values.Count > options.MaxEntries)
        {
            errors["values"] = [$"At most {options.MaxEntries} settings (got {settings.Values.Count})."];
        }

        foreach (var (key, value) in settings.Values)
        {
            if (key.Length == 0 || key.Length > options.MaxKeyLength || !Key().IsMatch(key))
            {
                errors["values"] = [.. errors.GetValueOrDefault("values") ?? [], $"The key '{Shorten(key)}' is not 1 to {options.MaxKeyLength} letters, digits, '.', ':', '-' or '_'."];
            }
            else if (value is null || value.Length > options.MaxValueLength || value.Contains('\0', StringComparison.Ordinal))
            {
                errors[$"values.{key}"] = [$"A value is a string of at most {options.MaxValueLength} characters, without NUL."];
            }
        }

        return (new TenantSettings(new TenantBranding(displayName, primary, accent, logo), settings.Values), errors);
    }

    /// <summary>A colour as <c>#rrggbb</c>, in lowercase; null when blank or (with an error) malformed.</summary>
    private static string? Colour(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (Blank(value) is not { } colour)
        {
            return null;
        }

        if (!HexColour().IsMatch(colour))
        {
            errors[field] = [$"'{Shorten(colour)}' is not a colour as #rrggbb (six hexadecimal digits)."];
            return null;
        }

        return colour.ToLowerInvariant();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(@"^#[0-9a-fA-F]{6}\z")]
    private static partial Regex HexColour();

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]*\z")]
    private static partial Regex FileName();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]+\z")]
    private static partial Regex Key();
}
