using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.IntegrationTests.Tiers;
using Tenancy.Lifecycle;
using Tenancy.Moves;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests.Lifecycle;

/// <summary>Lifecycle events: each committed change once, to the handlers of the process and as a NOTIFY, and only for its own tenant.</summary>
public sealed class TenantLifecycleTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_committed_change_reaches_the_handlers_and_other_services_once_naming_only_its_tenant()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, new Dictionary<string, string?> { ["Tenancy:Moves:GraceMilliseconds"] = "20" }, t => t.WithLifecycleHandler<Recorder>());
        await using var listener = await NotifyListener.StartAsync(tiers.Services.GetRequiredService<RegistryConnection>().DirectConnectionString);
        var registry = tiers.Services.GetRequiredService<TenantRegistry>();
        var tenant = await tiers.ProvisionAsync(TenantIsolation.Schema, "life");
        var neighbour = await tiers.ProvisionAsync(TenantIsolation.Shared, "next");

        await registry.SuspendAsync(tenant.Identifier);
        await registry.SuspendAsync(tenant.Identifier); // already suspended: nothing happens, nothing is announced
        await registry.ResumeAsync(tenant.Identifier);
        await tiers.Services.GetRequiredService<TenantMover>().MoveAsync(tenant.Identifier, TenantIsolation.Shared);
        await registry.DeleteAsync(tenant.Identifier);

        TenantLifecycleKind[] expected = [TenantLifecycleKind.Created, TenantLifecycleKind.Suspended, TenantLifecycleKind.Resumed, TenantLifecycleKind.Moved, TenantLifecycleKind.Deleted];
        var recorder = (Recorder)tiers.Services.GetServices<ITenantLifecycleHandler>().Single();
        Assert.Equal(expected, recorder.Of(tenant.Identifier).Select(e => e.Kind));
        Assert.Equal([TenantLifecycleKind.Created], recorder.Of(neighbour.Identifier).Select(e => e.Kind));
        Assert.All(recorder.Of(tenant.Identifier), e => Assert.Equal(tenant.Id, e.TenantId));
        Assert.All(recorder.Of(neighbour.Identifier), e => Assert.Equal(neighbour.Id, e.TenantId));
        Assert.Equal(TenantIsolation.Shared, recorder.Of(tenant.Identifier).Single(e => e.Kind == TenantLifecycleKind.Moved).Isolation);

        // Another service hears the same events, in the same order, from PostgreSQL.
        var heard = await listener.WaitForAsync(tenant.Identifier, expected.Length);
        Assert.Equal(expected, heard.Select(e => e.Kind));
        Assert.All(heard, e => Assert.Equal(tenant.Id, e.TenantId));
    }

    [Fact]
    public async Task A_change_that_does_not_commit_announces_nothing_and_a_failing_handler_undoes_nothing()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, configure: t => t.WithLifecycleHandler<Recorder>().WithLifecycleHandler<Failing>());
        await using var listener = await NotifyListener.StartAsync(tiers.Services.GetRequiredService<RegistryConnection>().DirectConnectionString);
        var provisioner = tiers.Services.GetRequiredService<TenantProvisioner>();
        var first = PostgresFixture.NewIdentifier("host");
        var second = PostgresFixture.NewIdentifier("dup");
        await provisioner.ProvisionAsync(new NewTenant(first, "First", Domains: [$"{first}.example.com"]));

        // Its host is the first tenant's: the creation rolls back.
        await Assert.ThrowsAsync<TenantConflictException>(() => provisioner.ProvisionAsync(new NewTenant(second, "Second", Domains: [$"{first}.example.com"])));
        var suspended = await tiers.Services.GetRequiredService<TenantRegistry>().SuspendAsync(first);

        Assert.Equal(TenantStatus.Suspended, suspended.Status);
        Assert.Equal(TenantStatus.Suspended, (await tiers.Services.GetRequiredService<TenantRegistry>().ReadAsync(first))!.Status);
        var recorder = tiers.Services.GetServices<ITenantLifecycleHandler>().OfType<Recorder>().Single();
        Assert.Equal([TenantLifecycleKind.Created, TenantLifecycleKind.Suspended], recorder.Of(first).Select(e => e.Kind));
        Assert.Empty(recorder.Of(second));
        Assert.Equal(2, (await listener.WaitForAsync(first, 2)).Count);
        Assert.Empty(listener.Of(second));
    }

    private sealed class Recorder : ITenantLifecycleHandler
    {
        private readonly ConcurrentQueue<TenantLifecycleEvent> _events = new();

        public Task HandleAsync(TenantLifecycleEvent lifecycleEvent, CancellationToken cancellationToken)
        {
            _events.Enqueue(lifecycleEvent);
            return Task.CompletedTask;
        }

        public List<TenantLifecycleEvent> Of(string identifier) => [.. _events.Where(e => e.Identifier == identifier)];
    }

    private sealed class Failing : ITenantLifecycleHandler
    {
        public Task HandleAsync(TenantLifecycleEvent lifecycleEvent, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A handler's bug.");
    }

    /// <summary>Another service: LISTENs on the lifecycle channel over a connection of its own.</summary>
    private sealed class NotifyListener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly ConcurrentQueue<TenantLifecycleEvent> _events = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private NotifyListener(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notification += (_, e) => _events.Enqueue(TenantLifecycleEvent.FromJson(e.Payload)!);
            _loop = Task.Run(async () =>
            {
                try
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        await _connection.WaitAsync(_stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        public static async Task<NotifyListener> StartAsync(string connectionString)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using (var listen = new NpgsqlCommand($"LISTEN {TenantLifecycleEvent.Channel}", connection))
            {
                await listen.ExecuteNonQueryAsync();
            }

            return new NotifyListener(connection);
        }

        public List<TenantLifecycleEvent> Of(string identifier) => [.. _events.Where(e => e.Identifier == identifier)];

        public async Task<List<TenantLifecycleEvent>> WaitForAsync(string identifier, int count)
        {
            for (var waited = 0; Of(identifier).Count < count && waited < 100; waited++)
            {
                await Task.Delay(50);
            }

            return Of(identifier);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            await _connection.DisposeAsync();
            _stop.Dispose();
        }
    }
}
