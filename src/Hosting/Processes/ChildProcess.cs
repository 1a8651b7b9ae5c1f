using System.Diagnostics;

namespace Tenancy.Hosting.Processes;

/// <summary>A process the AppHost owns: its output goes to the resource console, and it never outlives the AppHost's stop.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    /// <summary>The process id, kept from the start so that it can still be read once the process is gone.</summary>
    public int Id { get; private set; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    public event Action<string>? OutputLine;

    public static ChildProcess Start(
        string resourceName,
        ResourceConsole console,
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(resourceName, console, e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => child.OnLine(resourceName, console, e.Data, isError: true);
        process.Exited += (_, _) =>
        {
            // Exited can fire before the last output lines are read; WaitForExit() drains them.
            process.WaitForExit();
            child._exited.TrySetResult(process.ExitCode);
        };

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new DistributedApplicationException($"{resourceName}: cannot start '{fileName}': {ex.Message}", ex);
        }

        child.Id = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Asks the process to stop with <paramref name="signal"/>, and kills its whole tree if it has not ended in time.</summary>
    public async Task StopAsync(int signal, TimeSpan grace, int? signalTarget = null)
    {
        if (Exited.IsCompleted)
        {
            return;
        }

        PosixSignals.Send(signalTarget ?? Id, signal);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) == Exited)
        {
            return;
        }

        Kill();
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5)));
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnLine(string resourceName, ResourceConsole console, string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        console.Write(resourceName, line, isError);
        OutputLine?.Invoke(line);
    }
}
