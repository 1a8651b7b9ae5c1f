using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Where the local servers keep their files: <c>AppHost:DataDirectory</c>, else the per-user default
/// (<see cref="Tenancy.AppHostData.DefaultFolder"/>).
/// </summary>
public static class LocalServerFolders
{
    public const string DataDirectoryKey = "AppHost:DataDirectory";

    public static string DataDirectory(IConfiguration configuration) =>
        configuration[DataDirectoryKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Tenancy.AppHostData.DefaultFolder();

    /// <summary>Test runs throw their data away, so durability (fsync) only costs them time.</summary>
    public static bool IsEphemeral(IConfiguration configuration) => configuration.GetValue("AppHost:Ephemeral", false);

    /// <summary>A secret kept beside the data it protects, readable by the AppHost's user only; made on first use.</summary>
    public static string ReadOrCreateSecret(string dataDirectory, string name)
    {
        var folder = Path.Combine(dataDirectory, "secrets");
        var file = Path.Combine(folder, name);
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Hex: safe unquoted in connection strings, config files and SQL literals.
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        File.WriteAllText(file, secret);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }
}
