using System.Diagnostics;

namespace Tenancy.Benchmarks;

/// <summary>
/// A process this runner starts and whose output it reads line by line (the last lines are kept, to say why it
/// failed), with a wait for its health endpoint to answer Healthy.
/// </summary>
internal sealed class WatchedProcess : IDisposable
{
    private const int TailLines = 50;

    private readonly Queue<string> _tail = new();

    private WatchedProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Starts <paramref name="startInfo"/> with its output redirected here and its input closed.</summary>
    public static WatchedProcess Start(ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true;
        startInfo.UseShellExecute = false;
        var watched = new WatchedProcess(new Process { StartInfo = startInfo });
        watched.Process.OutputDataReceived += (_, e) => watched.OnLine(e.Data);
        watched.Process.ErrorDataReceived += (_, e) => watched.OnLine(e.Data);
        watched.Process.Start();
        watched.Process.StandardInput.Close();
        watched.Process.BeginOutputReadLine();
        watched.Process.BeginErrorReadLine();
        return watched;
    }

    /// <summary>
    /// Polls <paramref name="health"/> until it answers 200 with the body "Healthy" (a Degraded answer is a 200 too,
    /// and does not count); fails at once if the process exits, and after <paramref name="timeout"/>.
    /// </summary>
    /// <param name="what">The process, as the error messages name it.</param>
    public async Task WaitHealthyAsync(Uri health, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"{what} exited with code {Process.ExitCode} while starting:{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(health, cancellationToken);
                if (response.IsSuccessStatusCode && await response.Content.ReadAsStringAsync(cancellationToken) == "Healthy")
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} was not healthy within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Tail()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The last lines of output, indented.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail.Select(l => "  " + l));
        }
    }

    public void Dispose() => Process.Dispose();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
