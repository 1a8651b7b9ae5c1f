using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Whether the servers run as containers (<c>AppHost:Containers</c>: <c>always</c>, <c>never</c>, or <c>auto</c>,
/// the default: when the container runtime Aspire would use answers).
/// </summary>
public static class ContainerRuntime
{
    public const string SettingKey = "AppHost:Containers";

    public static bool UseContainers(this IDistributedApplicationBuilder builder) =>
        builder.Configuration[SettingKey]?.ToLowerInvariant() switch
        {
            null or "" or "auto" => IsHealthy(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker"),
            "always" => true,
            "never" => false,
            var other => throw new DistributedApplicationException($"{SettingKey} is '{other}': use auto, always or never"),
        };

    private static bool IsHealthy(string runtime)
    {
        if (LocalProcess.Find(runtime) is not { } executable)
        {
            return false;
        }

        // The client alone (as on machines with no engine) fails 'info' at once.
        var startInfo = new ProcessStartInfo(executable, ["info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(startInfo);
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
