using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Tenancy.DeployTests;

/// <summary>
/// The environment variables a service reads, found in its code and the code of the projects it references:
/// connection names given to <c>AddNpgsqlDataSource</c>, <c>AddRedisClient</c>, <c>AddTenancy</c>, <c>WithCaching</c>, <c>WithRedis</c>, <c>WithFiles</c> and
/// <c>GetConnectionString</c> (as <c>ConnectionStrings__name</c>), the names <c>AddTenancy</c> derives from its
/// connection name (<c>GetConnectionString(connectionName + "-app")</c>: <c>tenancydb-app</c>), and upper-case keys
/// read as <c>Configuration["NAME"]</c> (OTEL_…, APPLICATIONINSIGHTS_…).
/// </summary>
internal static partial class AppSettingsScanner
{
    public static IReadOnlySet<string> Scan(string projectDirectory)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var tenancyConnections = new List<string>();
        var derivedSuffixes = new List<string>();
        foreach (var file in ProjectClosure(projectDirectory).SelectMany(SourceFiles))
        {
            var code = File.ReadAllText(file);
            foreach (Match match in ConnectionName().Matches(code))
            {
                names.Add("ConnectionStrings__" + match.Groups["name"].Value);
            }

            tenancyConnections.AddRange(TenancyConnectionName().Matches(code).Select(m => m.Groups["name"].Value));
            derivedSuffixes.AddRange(DerivedConnectionSuffix().Matches(code).Select(m => m.Groups["suffix"].Value));

            foreach (Match match in ConfigurationKey().Matches(code))
            {
                names.Add(match.Groups["key"].Value);
            }
        }

        foreach (var name in tenancyConnections)
        {
            names.UnionWith(derivedSuffixes.Select(suffix => "ConnectionStrings__" + name + suffix));
        }

        return names;
    }

    /// <summary>The project and every project it references, directly or not.</summary>
    private static IEnumerable<string> ProjectClosure(string projectDirectory)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(projectDirectory)]);
        while (pending.TryPop(out var directory))
        {
            if (!seen.Add(directory))
            {
                continue;
            }

            var project = Directory.GetFiles(directory, "*.csproj").Single();
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                var path = reference.Attribute("Include")!.Value.Replace('\\', '/');
                pending.Push(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(directory, path)))!);
            }
        }

        return seen;
    }

    private static IEnumerable<string> SourceFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));

    // The name is the first argument; Aspire's integrations take options after it.
    [GeneratedRegex("""\b(?:AddNpgsqlDataSource|AddRedisClient|AddTenancy<[^>]+>|WithCaching|WithRedis|WithFiles|GetConnectionString)\("(?<name>[^"]+)"[,)]""")]
    private static partial Regex ConnectionName();

    [GeneratedRegex("""\bAddTenancy<[^>]+>\("(?<name>[^"]+)"\)""")]
    private static partial Regex TenancyConnectionName();

    /// <summary>Inside <c>AddTenancy</c>, whose parameter is <c>connectionName</c>.</summary>
    [GeneratedRegex("""GetConnectionString\(connectionName \+ "(?<suffix>[^"]+)"\)""")]
    private static partial Regex DerivedConnectionSuffix();

    [GeneratedRegex("""Configuration\["(?<key>[A-Z][A-Z0-9_]+)"\]""")]
    private static partial Regex ConfigurationKey();
}
