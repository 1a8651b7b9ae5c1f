using System.Diagnostics;

namespace Tenancy.Hosting.Processes;

/// <summary>Short-lived helper commands (initdb, chown, runuser) whose output matters only when they fail.</summary>
internal static class Commands
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new DistributedApplicationException($"cannot start '{fileName}'");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    /// <summary>Runs a command as <paramref name="user"/> when the AppHost is root (PostgreSQL refuses to run as root).</summary>
    public static (string FileName, IEnumerable<string> Arguments) AsUser(string? user, string fileName, IEnumerable<string> arguments) =>
        user is null ? (fileName, arguments) : ("runuser", ["-u", user, "--", fileName, .. arguments]);
}
