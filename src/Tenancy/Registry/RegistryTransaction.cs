using Npgsql;
using Tenancy.Lifecycle;

namespace Tenancy.Registry;

/// <summary>
/// A transaction on the registry database (<see cref="TenantRegistry.BeginAsync"/>), for work that must commit with
/// registry rows (a creation's schema and first owner, a move's migration records). Its commit, when the registry wrote
/// in it, tells the registry's lookup at once, then hands the lifecycle events announced in it to their handlers; a
/// disposal without commit rolls back, and nothing is announced.
/// </summary>
public sealed class RegistryTransaction : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TenantLifecycleEvent>, Task> _committed;
    private readonly List<TenantLifecycleEvent> _events = [];
    private bool _wrote;

    internal RegistryTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, Func<IReadOnlyList<TenantLifecycleEvent>, Task> committed) =>
        (Connection, Transaction, _committed) = (connection, transaction, committed);

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    public NpgsqlBatch CreateBatch() => new(Connection, Transaction);

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.CommitAsync(cancellationToken);
        if (_wrote)
        {
            await _committed(_events);
        }
    }

    internal void Wrote() => _wrote = true;

    internal void Announced(TenantLifecycleEvent lifecycleEvent)
    {
        _wrote = true;
        _events.Add(lifecycleEvent);
    }

    public Task RollbackAsync(CancellationToken cancellationToken = default) => Transaction.RollbackAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
