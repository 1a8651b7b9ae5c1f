using System.Text.Json;

namespace Tenancy.IntegrationTests.Cli;

/// <summary>
/// AppHost data folders as a running AppHost leaves them for the CLI: <c>connections.json</c>, mode 600, in throwaway
/// folders removed when the test ends.
/// </summary>
internal sealed class AppHostFolders : IDisposable
{
    private readonly List<string> _folders = [];

    /// <summary>A folder whose connections.json names <paramref name="database"/>, and the others when given.</summary>
    public string WithConnections(string database, string? application = null, string? cache = null)
    {
        var strings = new Dictionary<string, string> { ["tenancydb"] = database };
        if (application is not null)
        {
            strings["tenancydb-app"] = application;
        }

        if (cache is not null)
        {
            strings["cache"] = cache;
        }

        return WithFile(JsonSerializer.Serialize(new { ConnectionStrings = strings }));
    }

    /// <summary>A folder whose connections.json holds <paramref name="text"/>.</summary>
    public string WithFile(string text)
    {
        var folder = Empty();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "connections.json");
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return folder;
    }

    /// <summary>A folder that does not exist yet: no AppHost has run there.</summary>
    public string Empty()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tenancy-tests", "apphost-" + Guid.NewGuid().ToString("N")[..10]);
        _folders.Add(folder);
        return folder;
    }

    public void Dispose()
    {
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
