using System.Runtime.InteropServices;

namespace Tenancy.Hosting.Processes;

/// <summary>
/// .NET can only SIGKILL a child; graceful shutdown (SIGTERM for services, SIGINT for PostgreSQL's fast
/// shutdown) needs kill(2).
/// </summary>
internal static partial class PosixSignals
{
    public const int SigInt = 2;
    public const int SigQuit = 3;
    public const int SigTerm = 15;

    public static bool Send(int processId, int signal) => Kill(processId, signal) == 0;

    public static bool IsAlive(int processId) => Kill(processId, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM */;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
