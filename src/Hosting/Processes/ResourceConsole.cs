using System.Collections.Concurrent;

namespace Tenancy.Hosting.Processes;

/// <summary>
/// Collects every resource's console output: echoed to the AppHost's console behind the resource's name,
/// and kept per resource in a bounded buffer so failures can show what the process said last.
/// </summary>
public sealed class ResourceConsole(bool echo, int linesPerResource = 2000)
{
    private static readonly ConsoleColor[] Palette =
        [ConsoleColor.Cyan, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Green, ConsoleColor.Blue, ConsoleColor.DarkCyan];

    private readonly ConcurrentDictionary<string, Queue<string>> _lines = new();
    private readonly ConcurrentDictionary<string, ConsoleColor> _colors = new();
    private readonly Lock _writeLock = new();

    public void Write(string resource, string line, bool isError = false)
    {
        var buffer = _lines.GetOrAdd(resource, _ => new Queue<string>());
        lock (buffer)
        {
            buffer.Enqueue(line);
            while (buffer.Count > linesPerResource)
            {
                buffer.Dequeue();
            }
        }

        if (!echo)
        {
            return;
        }

        var color = _colors.GetOrAdd(resource, _ => Palette[_colors.Count % Palette.Length]);
        lock (_writeLock)
        {
            var writer = isError ? Console.Error : Console.Out;
            Console.ForegroundColor = color;
            writer.Write($"[{resource}] ");
            Console.ResetColor();
            writer.WriteLine(line);
        }
    }

    public IReadOnlyList<string> GetLines(string resource)
    {
        if (!_lines.TryGetValue(resource, out var buffer))
        {
            return [];
        }

        lock (buffer)
        {
            return [.. buffer];
        }
    }

    public string Tail(string resource, int count = 15) =>
        string.Join(Environment.NewLine, GetLines(resource).TakeLast(count).Select(l => "  " + l));
}
