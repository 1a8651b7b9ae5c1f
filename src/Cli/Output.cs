using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Tenancy.Cli;

/// <summary>
/// Where a command's results go: Spectre.Console tables for people, or JSON (<c>--json</c>) for programs. Colours,
/// live progress and a terminal's width only when stdout is a terminal.
/// </summary>
internal sealed class Output
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Read by programs and people, never embedded in HTML: "relation \"x\"" rather than "relation \u0022x\u0022".
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public Output(TextWriter writer, bool json)
    {
        Writer = writer;
        IsJson = json;
        IsTerminal = !json && ReferenceEquals(writer, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = IsTerminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!IsTerminal)
        {
            // A file or a pipe has no width; 80 columns would wrap errors and domain lists mid-cell.
            Console.Profile.Width = 200;
        }
    }

    public TextWriter Writer { get; }

    public bool IsJson { get; }

    /// <summary>Stdout is an interactive terminal: live progress bars and colours.</summary>
    public bool IsTerminal { get; }

    public IAnsiConsole Console { get; }

    public void WriteJson<T>(T value) => Writer.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>A plain line, never read as markup.</summary>
    public void WriteLine(string text) => Console.WriteLine(text);

    public void Write(IRenderable renderable) => Console.Write(renderable);

    public static Table Table(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    /// <summary>A table cell holding <paramref name="value"/> as text (user data is never markup).</summary>
    public static Text Cell(object? value, Style? style = null) =>
        new(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "", style ?? Style.Plain);

    public static readonly Style Success = new(Color.Green);

    public static readonly Style Failure = new(Color.Red);

    /// <summary>"1 tenant", "3 tenants".</summary>
    public static string Tenants(int count) => count == 1 ? "1 tenant" : $"{count} tenants";

    public static string Milliseconds(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
}
