using System.Text.RegularExpressions;

namespace Tenancy.Dashboard.Api;

/// <summary>
/// Hides secrets before the resources page shows an environment: whole values of variables named like a secret
/// (<c>*KEY*</c>, <c>*SECRET*</c>, <c>*PASSWORD*</c>, <c>*PASSWD*</c>, <c>*TOKEN*</c>, <c>*CREDENTIAL*</c>), and the password inside connection strings and URLs.
/// </summary>
public static partial class SecretMasker
{
    public const string Mask = "****";

    private static readonly string[] SecretNameParts = ["KEY", "SECRET", "PASSWORD", "PASSWD", "TOKEN", "CREDENTIAL"];

    public static string MaskValue(string name, string value)
    {
        if (SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase)))
        {
            return Mask;
        }

        return MaskConnectionString(value);
    }

    /// <summary><c>Password=…;</c> (Npgsql), <c>password=…,</c> (StackExchange.Redis) and <c>scheme://user:password@host</c>.</summary>
    public static string MaskConnectionString(string value)
    {
        var masked = PasswordPair().Replace(value, m => m.Groups["key"].Value + "=" + Mask);
        return UrlCredentials().Replace(masked, m => m.Groups["prefix"].Value + Mask + "@");
    }

    [GeneratedRegex(@"(?<key>\b(?:password|pwd|passwd)\s*)=[^;,]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPair();

    [GeneratedRegex(@"(?<prefix>\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlCredentials();
}
