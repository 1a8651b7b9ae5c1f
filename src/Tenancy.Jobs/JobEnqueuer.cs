using System.Collections.Concurrent;
using System.Linq.Expressions;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Tenancy.Jobs;

/// <summary>
/// Enqueues jobs from async code without blocking its thread. Hangfire's client is synchronous: it writes the job to
/// PostgreSQL (and counts the tenant's burst in Redis) before it returns, so a request handler that calls it holds a
/// thread-pool thread meanwhile, and a burst of requests starves the pool (seen: 30 concurrent orders on a cold Api
/// took 17 s). Here the creation runs on a few threads of its own, in the caller's execution context, so the job
/// still carries the caller's tenant and trace.
/// </summary>
public sealed class JobEnqueuer : IDisposable
{
    private readonly IBackgroundJobClient _client;
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread[] _threads;

    public JobEnqueuer(IBackgroundJobClient client, IOptions<TenantJobsOptions> options)
    {
        _client = client;
        _threads = [.. Enumerable.Range(0, Math.Max(options.Value.EnqueueThreads, 1)).Select(i => new Thread(Run) { IsBackground = true, Name = $"Job enqueuer {i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <returns>The new job's id.</returns>
    public Task<string> EnqueueAsync<TJob>(Expression<Func<TJob, Task>> job) => RunAsync(client => client.Enqueue(job));

    /// <summary>Runs <paramref name="work"/> with Hangfire's client on one of this enqueuer's threads, as the caller's tenant and trace.</summary>
    public Task<T> RunAsync<T>(Func<IBackgroundJobClient, T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The ambient tenant and Activity.Current are async-locals: the captured context carries them over.
        var context = ExecutionContext.Capture();
        _work.Add(() =>
        {
            void Perform(object? _)
            {
                try
                {
                    done.SetResult(work(_client));
                }
                catch (Exception ex)
                {
                    done.SetException(ex);
                }
            }

            if (context is null)
            {
                Perform(null);
            }
            else
            {
                ExecutionContext.Run(context, Perform, null);
            }
        });
        return done.Task;
    }

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }

        _work.Dispose();
    }
}
