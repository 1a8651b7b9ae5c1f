using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The first-run and every-run checks on a local PostgreSQL cluster folder, before the server starts.</summary>
internal static class PostgresCluster
{
    public static string? FindBinDirectory(string? configured)
    {
        if (configured is { Length: > 0 })
        {
            return File.Exists(Path.Combine(configured, "postgres")) ? configured : null;
        }

        const string debianRoot = "/usr/lib/postgresql";
        return Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "postgres")) && File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
    }

    /// <summary>
    /// Refuses a cluster folder that a running server holds (another AppHost): before anything starts, so that the
    /// second AppHost stops with the reason and the first keeps its server.
    /// </summary>
    public static void ThrowIfInUse(string clusterFolder)
    {
        if (ReadPostmasterPid(Path.Combine(clusterFolder, "data")) is { } pid && IsAlive(pid))
        {
            throw new DistributedApplicationException(
                $"PostgreSQL data folder '{clusterFolder}' is in use by a running server (pid {pid}): stop the other AppHost or set {LocalServerFolders.DataDirectoryKey}");
        }
    }

    /// <summary>Runs initdb on first use, with the password as the superuser's.</summary>
    public static async Task PrepareAsync(LocalPostgresServerResource server, string binDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(server.DataFolder, "PG_VERSION")))
        {
            return;
        }

        if (Directory.Exists(server.ClusterFolder))
        {
            // Left by an initdb that did not finish: nothing in it is worth keeping.
            Directory.Delete(server.ClusterFolder, recursive: true);
        }

        Directory.CreateDirectory(server.ClusterFolder);
        var passwordFile = Path.Combine(server.ClusterFolder, "initdb.pw");
        await File.WriteAllTextAsync(passwordFile, await server.PasswordParameter.GetValueAsync(cancellationToken), cancellationToken);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            await LocalProcess.GiveToServiceUserAsync(server.ClusterFolder, cancellationToken);
            logger.LogInformation("First run: creating a PostgreSQL cluster in {Folder} (initdb)", server.ClusterFolder);
            var (command, args) = LocalProcess.AsServiceUser(Path.Combine(binDirectory, "initdb"));
            await LocalProcess.RunOrThrowAsync(command,
                [.. args, "-D", server.DataFolder, "-U", LocalPostgresServerResource.SuperUser, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C", "--no-sync"],
                cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>
    /// Whether the postmaster says it accepts connections (postmaster.pid's status line). Read before connecting,
    /// because a connection made while the server starts up is logged as FATAL.
    /// </summary>
    public static bool IsReady(string dataFolder)
    {
        try
        {
            var lines = File.ReadAllLines(Path.Combine(dataFolder, "postmaster.pid"));
            return lines.Length >= 8 && lines[7].Trim() == "ready";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int? ReadPostmasterPid(string dataFolder)
    {
        try
        {
            var pidFile = Path.Combine(dataFolder, "postmaster.pid");
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");
}
