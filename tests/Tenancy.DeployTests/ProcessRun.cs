using System.Diagnostics;

namespace Tenancy.DeployTests;

/// <summary>A finished command: exit code and its two output streams, kept apart (bicep writes diagnostics to stderr).</summary>
internal sealed record ProcessRun(int ExitCode, string Output, string Error)
{
    public static async Task<ProcessRun> StartAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repository.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Cannot start {fileName}.");
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        var output = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var error = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} did not finish in time.");
        }

        return new ProcessRun(process.ExitCode, await output, await error);
    }

    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
