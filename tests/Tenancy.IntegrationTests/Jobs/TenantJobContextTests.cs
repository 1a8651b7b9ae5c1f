using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Tenancy.Jobs;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Jobs;

/// <summary>
/// Tenant jobs on a real Hangfire server over PostgreSQL and Redis: each job runs as the tenant it was enqueued for
/// (ambient context, DbContext, data, cache space, span, logs), and a job whose tenant is missing, paused, gone or
/// tampered with is refused for good.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantJobContextTests(PostgresFixture fixture) : IAsyncLifetime, IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == TenantJobsTelemetry.SourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    private JobsHost _host = null!;

    public async Task InitializeAsync()
    {
        _listener.ActivityStopped = _spans.Enqueue;
        ActivitySource.AddActivityListener(_listener);
        _host = await JobsHost.StartAsync(fixture);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_thousand_jobs_of_twenty_tenants_each_run_as_their_own_tenant_only()
    {
        var tenants = new List<(TenantInfo Tenant, Guid ProductId)>();
        for (var i = 0; i < 20; i++)
        {
            tenants.Add(await _host.CreateTenantAsync("iso"));
        }

        // Every job is handed the product id of ANOTHER tenant, as a forged argument would: it must find nothing.
        var expected = new ConcurrentDictionary<int, (TenantInfo Tenant, string TraceId)>();
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, (sequence, _) =>
        {
            var (tenant, _) = tenants[sequence % 20];
            var foreignProduct = tenants[(sequence + 1) % 20].ProductId;
            using var request = new Activity("request").Start();
            expected[sequence] = (tenant, request.TraceId.ToHexString());
            _host.Enqueue<IProbeJob>(tenant, job => job.ProbeAsync(sequence, foreignProduct, CancellationToken.None));
            return ValueTask.CompletedTask;
        });

        await _host.Probes.WaitForAsync(1000, TimeSpan.FromSeconds(90));

        Assert.True(_host.Probes.MostConcurrent > 1, "the jobs never ran concurrently");
        foreach (var (sequence, (tenant, traceId)) in expected)
        {
            var seen = _host.Probes.Observations[sequence];
            Assert.Equal(tenant.Identifier, seen.AmbientTenant);
            Assert.Equal(tenant.Identifier, seen.DbContextTenant);
            Assert.Equal([tenant.Identifier], seen.ProductSkus);
            Assert.False(seen.FoundProduct, $"job {sequence} of {tenant.Identifier} found another tenant's product");
            Assert.Equal(tenant.Identifier, seen.CachedIdentity);
            Assert.Equal(traceId, seen.TraceId);
            Assert.Equal(tenant.Identifier, seen.SpanTenant);
        }

        // The log line each job wrote carries its tenant, from the job's logging scope.
        var probeLogs = _host.Logs.Records.Where(r => r.Message.StartsWith("Probe ", StringComparison.Ordinal)).ToList();
        Assert.Equal(1000, probeLogs.Count);
        Assert.All(probeLogs, log => Assert.Equal(
            expected[int.Parse(log.Message.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)].Tenant.Identifier, log.Scope["Tenant"]));

        // Each tenant's cache entry sits under its own tenant prefix in Redis, and holds its own identity.
        var redis = _host.Services.GetRequiredService<IConnectionMultiplexer>();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        foreach (var (tenant, _) in tenants)
        {
            var keys = server.Keys(pattern: $"t:{tenant.Id:N}:*:probe:*:whoami").ToList();
            var key = Assert.Single(keys);
            Assert.Contains(tenant.Identifier, await CachedValueAsync(redis, key), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_job_finds_its_own_tenants_data()
    {
        var (tenant, productId) = await _host.CreateTenantAsync();

        var jobId = _host.Enqueue<IProbeJob>(tenant, job => job.ProbeAsync(1, productId, CancellationToken.None));

        Assert.Equal("Succeeded", (await _host.WaitForFinalStateAsync(jobId)).Name);
        Assert.True(_host.Probes.Observations[1].FoundProduct);
        Assert.Equal(jobId, _host.Probes.Observations[1].JobId);
    }

    [Fact]
    public async Task The_job_span_continues_the_enqueuing_trace_and_names_the_tenant()
    {
        var (tenant, productId) = await _host.CreateTenantAsync();
        using var request = new Activity("POST /api/orders").Start();

        var jobId = _host.Enqueue<IProbeJob>(tenant, job => job.ProbeAsync(2, productId, CancellationToken.None));
        request.Stop();
        await _host.WaitForFinalStateAsync(jobId);

        var enqueue = Assert.Single(_spans, s => s.Kind == ActivityKind.Producer && (string?)s.GetTagItem("messaging.message.id") == jobId);
        var perform = Assert.Single(_spans, s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem("messaging.message.id") == jobId);
        Assert.Equal(request.TraceId, enqueue.TraceId);
        Assert.Equal(request.SpanId, enqueue.ParentSpanId);
        Assert.Equal(request.TraceId, perform.TraceId);
        Assert.Equal(enqueue.SpanId, perform.ParentSpanId);
        Assert.Equal(tenant.Identifier, perform.GetTagItem("tenant.identifier"));
        Assert.Equal($"{tenant.Identifier}: IProbeJob.ProbeAsync", perform.GetTagItem("job.display_name"));
    }

    [Fact]
    public async Task A_platform_job_runs_without_the_tenant_that_was_current_when_it_was_enqueued()
    {
        var (tenant, _) = await _host.CreateTenantAsync();

        var jobId = _host.Enqueue<IPlatformProbeJob>(tenant, job => job.ProbeAsync(3, CancellationToken.None));

        Assert.Equal("Succeeded", (await _host.WaitForFinalStateAsync(jobId)).Name);
        Assert.Null(_host.Probes.Observations[3].AmbientTenant);
    }

    [Fact]
    public async Task A_tenant_job_enqueued_without_a_tenant_fails_at_once_and_is_never_retried()
    {
        var jobId = _host.Enqueue<IProbeJob>(null, job => job.ProbeAsync(4, Guid.Empty, CancellationToken.None));

        var state = await _host.WaitForFinalStateAsync(jobId);

        Assert.Equal("Failed", state.Name);
        Assert.Contains("needs a tenant", state.Reason, StringComparison.Ordinal);
        Assert.Equal(["Enqueued", "Processing", "Failed"], await _host.StateHistoryAsync(jobId));
        Assert.False(_host.Probes.Observations.ContainsKey(4));
    }

    [Theory]
    [InlineData("suspend")]
    [InlineData("delete")]
    public async Task A_job_whose_tenant_was_suspended_or_deleted_is_not_run_and_ends_deleted_with_the_reason(string change)
    {
        var (tenant, productId) = await _host.CreateTenantAsync();
        var jobId = _host.Schedule<IProbeJob>(tenant, job => job.ProbeAsync(5, productId, CancellationToken.None), TimeSpan.FromSeconds(1));

        using (var scope = _host.Services.CreateScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<TenantRegistry>();
            await (change == "suspend" ? registry.SuspendAsync(tenant.Identifier) : registry.DeleteAsync(tenant.Identifier));
        }

        var state = await _host.WaitForFinalStateAsync(jobId);

        Assert.Equal("Deleted", state.Name);
        Assert.Contains(change == "suspend" ? "is suspended" : "is deleted", state.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Scheduled", (await _host.StateHistoryAsync(jobId)).Skip(1));
        Assert.False(_host.Probes.Observations.ContainsKey(5));
    }

    [Theory]
    [InlineData("TenantId")]
    [InlineData("Tenant")]
    public async Task A_job_whose_tenant_parameters_were_tampered_with_is_refused_and_never_retried(string parameter)
    {
        var (tenant, productId) = await _host.CreateTenantAsync();
        var (other, _) = await _host.CreateTenantAsync();
        var jobId = _host.Schedule<IProbeJob>(tenant, job => job.ProbeAsync(6, productId, CancellationToken.None), TimeSpan.FromSeconds(1));

        // Point one half of the job's tenant at another tenant, straight in Hangfire's table.
        var forged = parameter == "TenantId" ? other.Id.ToString() : other.Identifier;
        await _host.ExecuteAsync(
            $"UPDATE {_host.Schema}.jobparameter SET value = $1 WHERE jobid = $2 AND name = $3",
            $"\"{forged}\"", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture), parameter);

        var state = await _host.WaitForFinalStateAsync(jobId);

        Assert.Equal("Failed", state.Name);
        Assert.Contains("two different tenants", state.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Scheduled", (await _host.StateHistoryAsync(jobId)).Skip(1));
        Assert.False(_host.Probes.Observations.ContainsKey(6));

        // Its span shows neither the tenant it claimed nor the one it was enqueued for: nothing unverified is tagged.
        await Eventually.TrueAsync(() => _spans.Any(s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem("messaging.message.id") == jobId));
        var perform = _spans.Last(s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem("messaging.message.id") == jobId);
        Assert.Null(perform.GetTagItem("tenant.id"));
        Assert.Null(perform.GetTagItem("tenant.identifier"));
        Assert.Equal("IProbeJob.ProbeAsync", perform.GetTagItem("job.display_name"));
    }

    [Fact]
    public async Task A_platform_job_that_carries_a_tenant_is_refused()
    {
        var (tenant, _) = await _host.CreateTenantAsync();
        var jobId = _host.Schedule<IPlatformProbeJob>(null, job => job.ProbeAsync(7, CancellationToken.None), TimeSpan.FromSeconds(1));
        await _host.ExecuteAsync(
            $"INSERT INTO {_host.Schema}.jobparameter (jobid, name, value) VALUES ($1, 'TenantId', $2), ($1, 'Tenant', $3)",
            long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture), $"\"{tenant.Id}\"", $"\"{tenant.Identifier}\"");

        var state = await _host.WaitForFinalStateAsync(jobId);

        Assert.Equal("Failed", state.Name);
        Assert.Contains("platform work but carries tenant", state.Reason, StringComparison.Ordinal);
        Assert.False(_host.Probes.Observations.ContainsKey(7));
    }

    // The distributed cache keeps an entry as a hash (its payload in "data") or, in other versions, a plain string.
    private static async Task<string> CachedValueAsync(IConnectionMultiplexer redis, RedisKey key)
    {
        var database = redis.GetDatabase();
        return await database.KeyTypeAsync(key) == RedisType.Hash
            ? (string?)await database.HashGetAsync(key, "data") ?? ""
            : (string?)await database.StringGetAsync(key) ?? "";
    }
}
