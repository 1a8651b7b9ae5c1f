using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aspire.Hosting;

/// <summary>What the local server resources share: free ports, the service OS user, and short helper commands.</summary>
internal static class LocalProcess
{
    /// <summary>PostgreSQL and PgBouncer refuse to run as root; as root, they run as this existing OS user.</summary>
    public const string ServiceUser = "postgres";

    private const string SetPriv = "/usr/bin/setpriv";
    private const string Env = "/usr/bin/env";
    private const int FirstPort = 20000;
    private const int EphemeralStart = 32768;

    private static readonly string[] CleanEnvironment = ["-i", "PATH=/usr/bin:/bin", "LC_ALL=C"];
    private static readonly string[] AsServiceUserArgs = [$"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--"];

    /// <summary>
    /// A free loopback port. The servers listen on it themselves (no proxy in front: every query would pay for one);
    /// DCP needs the port up front for an endpoint it does not proxy. Picked below Linux's ephemeral range
    /// (32768–60999): a port from that range, free now, can become the source port of any outgoing connection
    /// before the server binds it, and the server then fails to start.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(FirstPort, EphemeralStart);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new DistributedApplicationException($"no free loopback port between {FirstPort} and {EphemeralStart}");
    }

    /// <summary>
    /// The command and leading arguments that run <paramref name="executable"/> in an empty environment: DCP hands an
    /// executable the AppHost's whole environment, secrets the operator exported for the services included.
    /// <c>env</c> execs in place, so the stop signal reaches the server itself.
    /// </summary>
    public static (string Command, string[] Args) WithCleanEnvironment(string executable) =>
        (Env, [.. CleanEnvironment, executable]);

    /// <summary>
    /// <see cref="WithCleanEnvironment"/>, as <see cref="ServiceUser"/> when the AppHost is root (setpriv execs in
    /// place too).
    /// </summary>
    public static (string Command, string[] Args) AsServiceUser(string executable) =>
        Tenancy.AppHostData.IsRoot
            ? (Env, [.. CleanEnvironment, SetPriv, .. AsServiceUserArgs, executable])
            : WithCleanEnvironment(executable);

    /// <summary>Gives a folder to <see cref="ServiceUser"/> (as root), and checks that user can write to it.</summary>
    public static async Task GiveToServiceUserAsync(string folder, CancellationToken cancellationToken)
    {
        if (!Tenancy.AppHostData.IsRoot)
        {
            return;
        }

        await RunOrThrowAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", folder], cancellationToken);
        var (exitCode, _) = await RunAsync(SetPriv, [.. AsServiceUserArgs, "test", "-w", folder], cancellationToken);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException(
                $"the '{ServiceUser}' OS user cannot write to '{folder}' (a parent folder is closed to it): set {LocalServerFolders.DataDirectoryKey} to a folder it can reach");
        }
    }

    public static async Task RunOrThrowAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(fileName, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException($"{Path.GetFileName(fileName)} failed ({exitCode}): {output.Trim().ReplaceLineEndings(" ")}");
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new DistributedApplicationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The first of <paramref name="candidates"/> that exists, else the name found on PATH.</summary>
    public static string? Find(string name, params string[] candidates) =>
        candidates.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
