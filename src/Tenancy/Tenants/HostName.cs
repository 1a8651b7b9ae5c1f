using System.Globalization;
using System.Text.RegularExpressions;

namespace Tenancy.Tenants;

/// <summary>Host names as the registry stores and compares them: lowercase ASCII (punycode), no port, no trailing dot.</summary>
public static partial class HostName
{
    private const int MaxLength = 253;
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>Normalizes <paramref name="host"/>, or returns null when it is not a valid DNS name.</summary>
    public static string? Normalize(string? host)
    {
        if (string.IsNullOrWhiteSpace(host) || host.Length > MaxLength + 1)
        {
            return null;
        }

        var trimmed = host.Trim().TrimEnd('.');
        try
        {
            // Every request's host comes through here; most are plain ASCII and need no IDN mapping.
            var ascii = (System.Text.Ascii.IsValid(trimmed) ? trimmed : Idn.GetAscii(trimmed)).ToLowerInvariant();
            return ascii.Length <= MaxLength && Shape().IsMatch(ascii) ? ascii : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
