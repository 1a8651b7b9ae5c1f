namespace Tenancy.Hosting;

internal static class ResourceTable
{
    public static void Write(TextWriter writer, IReadOnlyList<Resource> resources)
    {
        string[] header = ["Resource", "Type", "State", "PID", "Endpoint"];
        var rows = resources
            .Select(r => new[] { r.Name, r.Type, r.State.ToString(), r.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", r.DisplayUrl ?? "" })
            .Prepend(header)
            .ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        writer.WriteLine();
        foreach (var row in rows)
        {
            writer.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }

        writer.WriteLine();
    }
}
