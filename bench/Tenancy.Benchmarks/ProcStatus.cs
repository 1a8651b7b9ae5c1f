using System.Globalization;

namespace Tenancy.Benchmarks;

/// <summary>One process as /proc/{pid}/stat shows it; CPU times in clock ticks.</summary>
internal readonly record struct ProcessStat(int Pid, int Parent, long OwnTicks, long ChildrenTicks, long StartTicks)
{
    /// <summary>User + system time of the process and of its children that have exited and been waited for.</summary>
    public TimeSpan CpuTime => ProcStatus.Ticks(OwnTicks + ChildrenTicks);
}

/// <summary>What /proc says about processes: resident memory and CPU time.</summary>
internal static class ProcStatus
{
    // USER_HZ: the unit of the CPU times in /proc/{pid}/stat; 100 on every Linux this runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>VmRSS of a process, in MiB.</summary>
    public static double RssMiB(int pid) => KibField($"/proc/{pid}/status", "VmRSS:") / 1024.0;

    /// <summary>
    /// Proportional set size, in MiB: the process's resident pages, each shared page divided by the number of processes
    /// that map it, so a sum over processes counts PostgreSQL's shared buffers or a shared library once.
    /// </summary>
    public static double PssMiB(int pid) => KibField($"/proc/{pid}/smaps_rollup", "Pss:") / 1024.0;

    /// <summary>The command line of a process (empty for kernel threads and processes gone meanwhile).</summary>
    public static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Every process on the machine at one moment, by id.</summary>
    public static Dictionary<int, ProcessStat> Snapshot()
    {
        var stats = new Dictionary<int, ProcessStat>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && TryReadStat(id, out var stat))
            {
                stats[id] = stat;
            }
        }

        return stats;
    }

    /// <summary>One process now, or null when there is none with that id.</summary>
    public static ProcessStat? Read(int pid) => TryReadStat(pid, out var stat) ? stat : null;

    /// <summary><paramref name="root"/> and every process below it in <paramref name="snapshot"/>.</summary>
    public static HashSet<int> Tree(int root, IReadOnlyDictionary<int, ProcessStat> snapshot)
    {
        var children = snapshot.Values.ToLookup(s => s.Parent, s => s.Pid);
        var tree = new HashSet<int>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var current))
        {
            if (snapshot.ContainsKey(current) && tree.Add(current))
            {
                foreach (var child in children[current])
                {
                    pending.Push(child);
                }
            }
        }

        return tree;
    }

    /// <summary>
    /// CPU time (user + system) used so far by <paramref name="pid"/> and every process below it, including children
    /// that have exited and been waited for; processes gone since are simply absent.
    /// </summary>
    public static TimeSpan TreeCpuTime(int pid)
    {
        var snapshot = Snapshot();
        return Tree(pid, snapshot).Aggregate(TimeSpan.Zero, (total, id) => total + snapshot[id].CpuTime);
    }

    /// <summary>CPU time all processes on the machine have used so far (busy time summed over every core, from /proc/stat).</summary>
    public static TimeSpan MachineBusyTime()
    {
        // "cpu  user nice system idle iowait irq softirq steal ...": everything but idle and iowait is busy.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields.Length > 7 ? fields[7] : 0);
        return Ticks(busy);
    }

    public static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);

    private static long KibField(string file, string field)
    {
        var line = File.ReadLines(file).First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static bool TryReadStat(int pid, out ProcessStat stat)
    {
        stat = default;
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            stat = new ProcessStat(pid, (int)Field(4), Field(14) + Field(15), Field(16) + Field(17), Field(22));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
