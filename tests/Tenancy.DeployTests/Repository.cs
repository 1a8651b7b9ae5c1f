using System.Reflection;

namespace Tenancy.DeployTests;

/// <summary>Paths the build wrote into this assembly: the repository and the restored bicep binary.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepoRoot");

    public static string BicepPath { get; } = Metadata("BicepPath");

    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}
