using System.Diagnostics;

namespace Tenancy.Tests;

/// <summary>
/// The system's own redis-server stopped with SIGSTOP until disposed (SIGCONT): its sockets stay open and accept
/// commands that get no answer, the way a stalled Redis looks to its clients, unlike a stopped one that refuses them.
/// </summary>
public sealed class StalledRedis : IDisposable
{
    private readonly int _pid;

    private StalledRedis(int pid)
    {
        _pid = pid;
        Signal("STOP");
    }

    public static StalledRedis Stall(DistributedApplication app)
    {
        // The resource's process is the server itself (setpriv execs into it); checked, since it is signalled.
        var pid = app.ProcessId("cache");
        Assert.Equal("redis-server", File.ReadAllText($"/proc/{pid}/comm").Trim());
        return new StalledRedis(pid);
    }

    public void Dispose() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
