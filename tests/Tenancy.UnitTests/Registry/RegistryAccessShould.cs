using System.Text.RegularExpressions;

namespace Tenancy.UnitTests.Registry;

/// <summary>The registry's rows are read and written in one place, so one mapper and one change signal cover them all.</summary>
public sealed partial class RegistryAccessShould
{
    // The usage flush only filters its own rows by the tenants that still exist, in the statement that writes them.
    private static readonly string[] Allowed = [Path.Combine("src", "Tenancy", "Usage", "UsageStore.cs")];

    [Fact]
    public void Keep_every_statement_on_the_registry_tables_in_the_registry_type()
    {
        var registry = Path.Combine("src", "Tenancy", "Registry") + Path.DirectorySeparatorChar;
        var offenders = new[] { "src", "samples" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, folder), "*.cs", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(RepositoryRoot.Path, file))
            .Where(file => !file.StartsWith(registry, StringComparison.Ordinal) && !Allowed.Contains(file))
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Where(file => RegistryTable().IsMatch(File.ReadAllText(Path.Combine(RepositoryRoot.Path, file))))
            .ToList();

        Assert.True(offenders.Count == 0, "Registry SQL outside src/Tenancy/Registry (use TenantRegistry): " + string.Join(", ", offenders));
    }

    [GeneratedRegex(@"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+tenancy\.(tenants|domains)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RegistryTable();
}
