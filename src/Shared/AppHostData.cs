namespace Tenancy;

/// <summary>
/// The AppHost's data folder as both sides see it: the AppHost's local servers keep their files there and the
/// running AppHost writes its connections file for the tenancy CLI, which reads it without depending on Aspire.Hosting
/// (this file is linked into both).
/// </summary>
internal static class AppHostData
{
    public const string ConnectionsFileName = "connections.json";

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// <c>/var/lib/tenancy/apphost</c> for root, whose home the postgres OS user cannot reach; otherwise
    /// <c>$XDG_DATA_HOME/tenancy/apphost</c> (default <c>~/.local/share</c>).
    /// </summary>
    public static string DefaultFolder()
    {
        if (IsRoot)
        {
            return "/var/lib/tenancy/apphost";
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "tenancy", "apphost");
    }
}
