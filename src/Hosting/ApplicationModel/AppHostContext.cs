using Microsoft.Extensions.Configuration;
using Tenancy.Hosting.Processes;

namespace Tenancy.Hosting;

/// <summary>What every resource needs to know about the AppHost run it belongs to.</summary>
internal sealed class AppHostContext
{
    public AppHostContext(IConfiguration configuration, ResourceConsole console)
    {
        Configuration = configuration;
        Console = console;
        DataDirectory = configuration["AppHost:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : DefaultDataDirectory();
        RandomizePorts = configuration.GetValue("AppHost:RandomizePorts", false);
        Ephemeral = configuration.GetValue("AppHost:Ephemeral", false);
        StartTimeout = TimeSpan.FromSeconds(configuration.GetValue("AppHost:StartTimeoutSeconds", 90));
        StopTimeout = TimeSpan.FromSeconds(configuration.GetValue("AppHost:StopTimeoutSeconds", 10));
    }

    public IConfiguration Configuration { get; }

    public ResourceConsole Console { get; }

    /// <summary>Root of everything the AppHost keeps between runs: database files and generated secrets.</summary>
    public string DataDirectory { get; }

    /// <summary>Every endpoint gets a free port instead of its configured one (tests, parallel runs).</summary>
    public bool RandomizePorts { get; }

    /// <summary>Throwaway data: durability is traded for speed and the folder is removed at the end.</summary>
    public bool Ephemeral { get; }

    public TimeSpan StartTimeout { get; }

    public TimeSpan StopTimeout { get; }

    public static bool IsRoot => Environment.UserName == "root";

    // Root's home is closed to the unprivileged postgres user, so root keeps its data under /var/lib.
    private static string DefaultDataDirectory() => IsRoot
        ? "/var/lib/tenancy/apphost"
        : Path.Combine(
            Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"),
            "tenancy", "apphost");
}
