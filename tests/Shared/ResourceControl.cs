namespace Tenancy.Tests;

/// <summary>What tests do to the resources of a running Aspire application: stop, start, find their processes.</summary>
public static class ResourceControl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static Task StopResourceAsync(this DistributedApplication app, string name) =>
        RunCommandAsync(app, name, KnownResourceCommands.StopCommand);

    public static Task StartResourceAsync(this DistributedApplication app, string name) =>
        RunCommandAsync(app, name, KnownResourceCommands.StartCommand);

    /// <summary>The process DCP runs for a resource (for a project, <c>dotnet run</c>; see <see cref="ServiceProcessId"/>).</summary>
    public static int ProcessId(this DistributedApplication app, string name) =>
        app.ResourceNotifications.TryGetCurrentState(name, out var state)
        && state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{name} has no process");

    /// <summary>The .NET service's own process: Aspire starts a project through <c>dotnet run</c>, which runs it as a child.</summary>
    public static int ServiceProcessId(this DistributedApplication app, string name)
    {
        var launcher = app.ProcessId(name);
        return ProcessTree.ChildrenOf(launcher).SingleOrDefault() is var child and > 0 ? child : launcher;
    }

    private static async Task RunCommandAsync(DistributedApplication app, string name, string command)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(name, command);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} {name}: {result.Message}");
        }

        var target = command == KnownResourceCommands.StartCommand ? KnownResourceStates.Running : KnownResourceStates.Exited;
        using var timeout = new CancellationTokenSource(Timeout);
        await app.ResourceNotifications.WaitForResourceAsync(name, [target, KnownResourceStates.Finished], timeout.Token);
        if (command == KnownResourceCommands.StartCommand)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
    }
}

/// <summary>Processes read from /proc.</summary>
public static class ProcessTree
{
    public static List<int> ChildrenOf(int pid) =>
        [.. Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(child => ParentOf(child) == pid)];

    public static bool IsRunning(int pid)
    {
        try
        {
            // A zombie has exited; only its parent's bookkeeping is left.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A process's environment as the kernel holds it: what it was really started with.</summary>
    public static string[] EnvironmentOf(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0');

    private static int? ParentOf(int pid)
    {
        try
        {
            // /proc/{pid}/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
