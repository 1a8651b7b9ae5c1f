using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Tenancy.Tenants;

/// <summary>
/// The rules for a tenant's identifier, the one piece of tenant input that ends up in SQL identifiers and host names
/// (the names derived from it: <see cref="Placement.TenantStoreNames"/>).
/// </summary>
public static partial class TenantIdentifier
{
    public const int MinLength = 2;
    public const int MaxLength = 40;

    private static readonly FrozenSet<string> Reserved = FrozenSet.Create(
        StringComparer.Ordinal,
        "admin", "api", "app", "assets", "auth", "billing", "cdn", "dashboard", "docs", "help", "internal", "login",
        "mail", "platform", "postgres", "public", "root", "static", "status", "support", "system", "tenancy", "www");

    public static bool IsValid([NotNullWhen(true)] string? identifier) => Validate(identifier) is null;

    /// <summary>Returns why <paramref name="identifier"/> is not acceptable, or null when it is.</summary>
    public static string? Validate(string? identifier)
    {
        if (string.IsNullOrEmpty(identifier))
        {
            return "The identifier is required.";
        }

        if (identifier.Length is < MinLength or > MaxLength)
        {
            return $"The identifier must be {MinLength} to {MaxLength} characters long.";
        }

        if (!Shape().IsMatch(identifier))
        {
            return "The identifier may hold only lowercase letters, digits and hyphens, must start with a letter and must not end with a hyphen.";
        }

        if (Reserved.Contains(identifier) || identifier.StartsWith("xn--", StringComparison.Ordinal))
        {
            return $"The identifier '{identifier}' is reserved.";
        }

        return null;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
