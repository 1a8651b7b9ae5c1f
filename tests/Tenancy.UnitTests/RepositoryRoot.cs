namespace Tenancy.UnitTests;

/// <summary>The folder of Tenancy.sln, for tests that check the source and the docs against each other.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Tenancy.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Tenancy.sln above {AppContext.BaseDirectory}.");
    }
}
