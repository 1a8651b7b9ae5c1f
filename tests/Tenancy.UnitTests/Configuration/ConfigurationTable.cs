using System.Text.RegularExpressions;

namespace Tenancy.UnitTests.Configuration;

/// <summary>A row of the settings table of docs/configuration.md.</summary>
/// <param name="Default">The default when the cell is one code span (<c>`00:10:00`</c>); null when it is prose.</param>
internal sealed record ConfigurationRow(int Line, string Key, string? Default);

/// <summary>The one settings table of docs/configuration.md: the table under <see cref="Header"/>, one setting per row.</summary>
internal static partial class ConfigurationTable
{
    public const string Header = "| key | type | default | what it does | hosts |";
    public const string RelativePath = "docs/configuration.md";

    public static string PathInRepository() => Path.Combine(RepositoryRoot.Path, RelativePath);

    public static IReadOnlyList<ConfigurationRow> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = Array.FindIndex(lines, l => l.Trim() == Header);
        if (header < 0)
        {
            throw new InvalidOperationException($"{RelativePath} has no table headed '{Header}'.");
        }

        var rows = new List<ConfigurationRow>();
        // The line after the header is its |---| separator.
        for (var i = header + 2; i < lines.Length && lines[i].TrimStart().StartsWith('|'); i++)
        {
            var cells = lines[i].Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length != 5 || CodeSpan(cells[0]) is not { } key)
            {
                throw new InvalidOperationException($"{RelativePath} line {i + 1}: expected five cells, the first a `key`: {lines[i]}");
            }

            rows.Add(new(i + 1, key, CodeSpan(cells[2])));
        }

        return rows;
    }

    /// <summary>The same key whatever its placeholders are called: <c>{plan}</c>, <c>{keyId}</c> and <c>{n}</c> are all <c>{}</c>.</summary>
    public static string Normalize(string key) => Placeholder().Replace(key, "{}");

    private static string? CodeSpan(string cell) => CodeSpanCell().Match(cell) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^`([^`]*)`$")]
    private static partial Regex CodeSpanCell();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();
}
