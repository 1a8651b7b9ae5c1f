using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tenancy.Jobs.Context;
using Tenancy.Jobs.Fairness;
using Tenancy.Jobs.Outbox;
using Tenancy.Jobs.Rejection;
using Tenancy.Jobs.Telemetry;
using Tenancy.Isolation;
using Tenancy.Limits;
using Tenancy.Registry;

namespace Tenancy.Jobs;

public static class TenantJobsExtensions
{
    /// <summary>
    /// Hangfire over PostgreSQL (schema <c>Tenancy:Jobs:Schema</c> of the tenancy database) with the tenancy filters:
    /// every job created here carries the current tenant and trace, a tenant's bursts go to the bulk queue and its
    /// running jobs are held to its plan's MaxConcurrentJobs (when Redis is registered). Enough to enqueue: <see cref="JobEnqueuer"/> from async code, <see cref="IBackgroundJobClient"/>
    /// from jobs. <see cref="WithJobServer"/> runs them.
    /// </summary>
    public static TenancyBuilder WithJobs(this TenancyBuilder tenancy)
    {
        if (!tenancy.TryAdd("jobs"))
        {
            return tenancy;
        }

        var services = tenancy.Services;
        services.AddOptions<TenantJobsOptions>().Bind(tenancy.Configuration.GetSection(TenantJobsOptions.SectionName))
            .Validate(
                o => !string.IsNullOrWhiteSpace(o.Schema) && o.WorkerCount > 0 && o.ReservedWorkerCount >= 0 && o.InvisibilityTimeout > TimeSpan.Zero && o.DistributedLockTimeout >= TimeSpan.FromSeconds(1)
                    && o.QueuePollInterval > TimeSpan.Zero && o.SchedulePollingInterval > TimeSpan.Zero && o.EnqueueThreads > 0 && o.BurstLimit > 0 && o.BurstWindow > TimeSpan.Zero,
                $"{TenantJobsOptions.SectionName}: Schema is set, WorkerCount, EnqueueThreads, BurstLimit and every interval are positive, ReservedWorkerCount is not negative, DistributedLockTimeout is at least 1 s.")
            .ValidateOnStart();
        tenancy.WithLimits();

        // Registered before AddHangfire, which then keeps them instead of its static defaults.
        services.AddSingleton<JobStorage>(sp => CreateStorage(
            sp.GetRequiredService<RegistryConnection>().DirectConnectionString, sp.GetRequiredService<IOptions<TenantJobsOptions>>().Value));
        services.AddSingleton<JobActivator, TenantJobActivator>();
        services.AddSingleton<TenantJobClientFilter>();
        services.AddSingleton<TenantJobTelemetryFilter>();
        services.AddSingleton<TenantJobRejectionFilter>();
        services.AddSingleton<IJobFilterProvider>(sp =>
        {
            // Fairness counts bursts and running jobs in Redis (WithRedis); without it, jobs are first come, first served.
            var fair = sp.GetService<IConnectionMultiplexer>() is not null;
            return new TenantJobFilterProvider(
                sp.GetRequiredService<TenantJobClientFilter>(),
                sp.GetRequiredService<TenantJobTelemetryFilter>(),
                sp.GetRequiredService<TenantJobRejectionFilter>(),
                fair ? ActivatorUtilities.CreateInstance<TenantQueueRouter>(sp, ActivatorUtilities.CreateInstance<TenantBurstMeter>(sp)) : null,
                fair ? ActivatorUtilities.CreateInstance<TenantConcurrencyLimiter>(sp, ActivatorUtilities.CreateInstance<TenantJobSlots>(sp)) : null);
        });

        services.AddHangfire(configuration => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            // Job types are named without assembly versions, so the Api and the Worker agree across deployments.
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        services.AddSingleton<JobEnqueuer>();
        // Jobs that commit with the tenant's data: the tenant DbContext starts them at its commit (JobOutbox).
        services.AddSingleton<JobOutbox>();
        services.AddSingleton<JobOutboxDispatcher>();
        services.AddKeyedSingleton<IInterceptor>(TenantDbContextInterceptors.Key, (sp, _) => sp.GetRequiredService<JobOutboxDispatcher>());

        // The schema is created at start, before this service enqueues or serves anything.
        services.AddHostedService<JobStorageInitializer>();
        return tenancy;
    }

    /// <summary>
    /// Runs jobs here: <see cref="TenantJobsOptions.WorkerCount"/> workers over the default then the bulk queue, and
    /// <see cref="TenantJobsOptions.ReservedWorkerCount"/> that take only default-queue work.
    /// </summary>
    public static TenancyBuilder WithJobServer(this TenancyBuilder tenancy)
    {
        if (!tenancy.WithJobs().TryAdd("job-server"))
        {
            return tenancy;
        }

        // Hangfire adds the process id and a unique suffix to the server name itself.
        var serverName = Environment.MachineName;
        tenancy.Services.AddHangfireServer((sp, server) =>
        {
            var options = sp.GetRequiredService<IOptions<TenantJobsOptions>>().Value;
            server.ServerName = serverName;
            server.Queues = TenantJobQueues.All;
            server.WorkerCount = options.WorkerCount;
            server.SchedulePollingInterval = options.SchedulePollingInterval;
        });
        var reserved = tenancy.Configuration.GetValue($"{TenantJobsOptions.SectionName}:{nameof(TenantJobsOptions.ReservedWorkerCount)}", new TenantJobsOptions().ReservedWorkerCount);
        if (reserved > 0)
        {
            tenancy.Services.AddHangfireServer(server =>
            {
                server.ServerName = serverName + "-reserved";
                server.Queues = [TenantJobQueues.Default];
                server.WorkerCount = reserved;
                // Workers only: the first server already runs the schedulers.
                server.IsLightweightServer = true;
            });
        }

        return tenancy;
    }

    private static PostgreSqlStorage CreateStorage(string directConnectionString, TenantJobsOptions options)
    {
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = options.Schema,
            PrepareSchemaIfNecessary = true,
            // Fetched jobs are kept invisible while their worker lives; a killed worker's jobs come back after this.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = options.InvisibilityTimeout,
            DistributedLockTimeout = options.DistributedLockTimeout,
            QueuePollInterval = options.QueuePollInterval,
            // LISTEN/NOTIFY wakes idle workers as soon as a job is enqueued, from any process.
            EnableLongPolling = true,
        };

        // Hangfire keeps sessions open (locks, LISTEN), so it bypasses a transaction pooler: the direct connection.
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(directConnectionString, storageOptions, null), storageOptions);
    }
}
