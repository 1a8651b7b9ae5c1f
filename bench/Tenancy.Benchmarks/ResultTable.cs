using System.Globalization;
using System.Text;

namespace Tenancy.Benchmarks;

/// <summary>One headline number: measured value, the baseline measured in the same run, their ratio and the goal.</summary>
internal sealed record ResultRow(string Benchmark, string Measure, string Value, string Baseline, double? Ratio, string Goal, bool? Met, bool GoalIsRatio);

/// <summary>Collects the rows of every benchmark and prints them as one table (markdown, aligned for a terminal too).</summary>
internal sealed class ResultTable
{
    private readonly List<ResultRow> _rows = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _details = [];

    public IReadOnlyList<ResultRow> Rows => _rows;

    /// <param name="goalIsRatio">The goal is on the ratio itself (not on the value), so the ratio is printed with one more decimal.</param>
    public void Add(string benchmark, string measure, string value, string baseline, double? ratio, string goal = "", bool? met = null, bool goalIsRatio = false) =>
        _rows.Add(new ResultRow(benchmark, measure, value, baseline, ratio is { } r && double.IsFinite(r) ? r : null, goal, met, goalIsRatio));

    /// <summary>A line printed under the table (what a baseline is, a failure, a caveat).</summary>
    public void Note(string note) => _notes.Add(note);

    /// <summary>A block of markdown (a breakdown table) printed after the notes.</summary>
    public void Detail(string markdown) => _details.Add(markdown);

    public static string Ms(double milliseconds) => milliseconds.ToString(milliseconds < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " ms";

    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";

    public static string Number(double value, string unit) => value.ToString("N0", CultureInfo.InvariantCulture) + " " + unit;

    public static string FormatRatio(double ratio) =>
        ratio.ToString(ratio >= 100 ? "F0" : ratio >= 0.1 ? "F2" : "G2", CultureInfo.InvariantCulture);

    public string ToMarkdown()
    {
        string[] header = ["benchmark", "measure", "value", "baseline (same run)", "ratio", "goal", "met"];
        var cells = _rows.OrderBy(r => r.Benchmark, StringComparer.Ordinal).Select(r => new[]
        {
            r.Benchmark,
            r.Measure,
            r.Value,
            r.Baseline,
            // Where a goal applies, one more decimal, so the verdict never disagrees with the rounded number.
            r.Ratio is { } ratio ? (r.GoalIsRatio ? ratio.ToString("F3", CultureInfo.InvariantCulture) : FormatRatio(ratio)) : "",
            r.Goal,
            r.Met switch { true => "yes", false => "**NO**", null => "" },
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();

        var text = new StringBuilder();
        void Line(IReadOnlyList<string> values) =>
            text.Append("| ").AppendJoin(" | ", values.Select((v, i) => v.PadRight(widths[i]))).AppendLine(" |");
        Line(header);
        text.Append('|').AppendJoin('|', widths.Select(w => new string('-', w + 2))).AppendLine("|");
        foreach (var row in cells)
        {
            Line(row);
        }

        if (_notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in _notes.OrderBy(n => n[..Math.Min(3, n.Length)], StringComparer.Ordinal))
            {
                text.Append("- ").AppendLine(note);
            }
        }

        foreach (var detail in _details)
        {
            text.AppendLine().Append(detail);
        }

        return text.ToString();
    }
}
