namespace Tenancy.Jobs;

/// <summary>Configuration section <c>Tenancy:Jobs</c>.</summary>
public sealed class TenantJobsOptions
{
    public const string SectionName = "Tenancy:Jobs";

    /// <summary>The PostgreSQL schema of Hangfire's tables, in the main database.</summary>
    public string Schema { get; set; } = "hangfire";

    /// <summary>Workers taking from every queue.</summary>
    public int WorkerCount { get; set; } = Math.Min(Environment.ProcessorCount * 5, 20);

    /// <summary>
    /// Workers that take only from the default queue, so a tenant whose backlog went to the bulk queue can never
    /// occupy every worker, however long its jobs run.
    /// </summary>
    public int ReservedWorkerCount { get; set; } = 2;

    /// <summary>
    /// How long a job fetched by a Worker that died stays invisible before another Worker takes it again. Live
    /// Workers keep extending it for the jobs they run (sliding), so it bounds recovery time, not job length.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When a lock Hangfire keeps in PostgreSQL (a job's state change, the delayed-job scheduler) counts as abandoned.
    /// They are rows, not sessions, so a killed Worker's locks outlive it: with Hangfire.PostgreSql's 10 minutes, a
    /// Worker killed while it rescheduled one job (a tenant at its concurrency limit) or polled the schedule held that
    /// job, or every delayed job, for 10 minutes. Every section they guard lasts milliseconds.
    /// </summary>
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often idle workers look for work when no notification woke them.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often delayed jobs (retries, schedules) and recurring jobs are checked.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Threads of <see cref="JobEnqueuer"/>, which create jobs for async callers.</summary>
    public int EnqueueThreads { get; set; } = 4;

    /// <summary>Jobs a tenant may enqueue per <see cref="BurstWindow"/> on the default queue; the rest go to bulk.</summary>
    public int BurstLimit { get; set; } = 100;

    public TimeSpan BurstWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a job enqueued through the job outbox waits for its transaction before it starts by itself: it is
    /// started at the commit, so this is how late it runs when the process that enqueued it died before that.
    /// </summary>
    public TimeSpan OutboxRecoverAfter { get; set; } = TimeSpan.FromSeconds(30);
}
