using Spectre.Console;
using Spectre.Console.Rendering;

namespace Tenancy.Cli;

/// <summary>
/// Live progress of work over a known number of tenants: a progress bar on a terminal, a plain line at every 10%
/// and at the end when stdout is redirected (logs, CI), nothing with --json.
/// </summary>
internal static class TenantProgress
{
    /// <param name="verb">What happens to a tenant, past tense: "migrated" reads "migrated 312/1000 tenants (1 failed)".</param>
    public static async Task<TResult> RunAsync<TItem, TResult>(
        Output output,
        string verb,
        int total,
        Func<TItem, bool> failed,
        Func<IProgress<TItem>, Task<TResult>> work)
    {
        if (output.IsJson || total == 0)
        {
            return await work(new Counter<TItem>(failed, (_, _) => { }));
        }

        if (!output.IsTerminal)
        {
            var lastDecile = 0;
            return await work(new Counter<TItem>(failed, (done, failures) =>
            {
                var decile = done * 10 / total;
                if (decile > lastDecile || done == total)
                {
                    lastDecile = decile;
                    output.WriteLine($"{verb} {done}/{total} tenants ({failures} failed)");
                }
            }));
        }

        return await output.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new TenantCountColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(verb), maxValue: total);
                return await work(new Counter<TItem>(failed, (done, failures) =>
                {
                    task.Value = done;
                    if (failures > 0)
                    {
                        task.Description = $"{Markup.Escape(verb)} [red]({failures} failed)[/]";
                    }
                }));
            });
    }

    /// <summary>Counts finished tenants; reports arrive from parallel workers, so one at a time.</summary>
    private sealed class Counter<TItem>(Func<TItem, bool> failed, Action<int, int> onChange) : IProgress<TItem>
    {
        private readonly Lock _lock = new();
        private int _done;
        private int _failures;

        public void Report(TItem value)
        {
            lock (_lock)
            {
                _done++;
                _failures += failed(value) ? 1 : 0;
                onChange(_done, _failures);
            }
        }
    }

    /// <summary>"312/1000 tenants".</summary>
    private sealed class TenantCountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:0}/{task.MaxValue:0} tenants");
    }
}
