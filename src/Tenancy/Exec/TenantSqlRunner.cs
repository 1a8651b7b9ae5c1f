using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Tenancy.Context;
using Tenancy.Isolation;
using Tenancy.Tenants;

namespace Tenancy.Exec;

/// <summary>
/// Runs one SQL script in each selected tenant's schema, like django-tenants' <c>all_tenants_command</c>: each
/// tenant in a transaction of its own, with <c>search_path</c> set for that transaction only (nothing is left on a
/// pooled connection, so it is safe behind PgBouncer), a failing tenant rolled back and reported without stopping
/// the others. The script also sees the tenant as <c>current_setting('tenancy.tenant_id')</c> and
/// <c>current_setting('tenancy.tenant_identifier')</c>, since tenant rows carry their tenant's id.
/// </summary>
public sealed class TenantSqlRunner(NpgsqlDataSource dataSource, Registry.TenantRegistry registry)
{
    /// <summary>The non-deleted, schema-isolated tenants named by <paramref name="identifiers"/> (all when null), by identifier.</summary>
    /// <exception cref="TenantNotFoundException">One of <paramref name="identifiers"/> is no such tenant.</exception>
    public async Task<IReadOnlyList<TenantSqlTarget>> FindTargetsAsync(IReadOnlyCollection<string>? identifiers = null, CancellationToken cancellationToken = default)
    {
        var targets = (await registry.ListSchemaTierAsync(identifiers, cancellationToken))
            .Select(t => new TenantSqlTarget(t.Id, t.Identifier, t.SchemaName!))
            .ToList();
        TenantNotFoundException.ThrowIfAnyMissing(identifiers, targets.Select(t => t.Identifier));

        return targets;
    }

    /// <summary>Runs <paramref name="sql"/> for each of <paramref name="tenants"/>, <paramref name="parallelism"/> at a time, reporting each as it finishes.</summary>
    public async Task<IReadOnlyList<TenantSqlResult>> RunAsync(
        IReadOnlyList<TenantSqlTarget> tenants,
        string sql,
        int parallelism = 4,
        IProgress<TenantSqlResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        var results = new List<TenantSqlResult>(tenants.Count);
        await Parallel.ForEachAsync(
            tenants,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (tenant, ct) =>
            {
                var result = await RunOneAsync(tenant, sql, ct);
                lock (results)
                {
                    results.Add(result);
                }

                progress?.Report(result);
            });
        return [.. results.OrderBy(r => r.Identifier, StringComparer.Ordinal)];
    }

    private async Task<TenantSqlResult> RunOneAsync(TenantSqlTarget tenant, string sql, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var committing = false;
        try
        {
            // SET LOCAL takes no parameters; the schema name is quoted, so even a tampered registry row stays one identifier.
            await using (var enter = new NpgsqlBatch(connection, transaction))
            {
                enter.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL search_path TO {SqlIdentifier.Quote(tenant.SchemaName)}"));
                var settings = new NpgsqlBatchCommand("SELECT set_config('tenancy.tenant_id', $1, true), set_config('tenancy.tenant_identifier', $2, true)");
                settings.Parameters.Add(new NpgsqlParameter { Value = tenant.TenantId.ToString() });
                settings.Parameters.Add(new NpgsqlParameter { Value = tenant.Identifier });
                enter.BatchCommands.Add(settings);
                await enter.ExecuteNonQueryAsync(cancellationToken);
            }

            int rows;
            await using (var script = new NpgsqlCommand(sql, connection, transaction))
            {
                rows = await script.ExecuteNonQueryAsync(cancellationToken);
            }

            committing = true;
            await transaction.CommitAsync(cancellationToken);
            return new TenantSqlResult(tenant.Identifier, TenantSqlOutcome.Succeeded, rows, null, Stopwatch.GetElapsedTime(started));
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A COMMIT that fails (a deferred constraint) has already ended the transaction in a rollback.
            if (!committing)
            {
                await RollBackAsync(transaction);
            }

            var error = ex is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : ex.Message;
            return new TenantSqlResult(tenant.Identifier, TenantSqlOutcome.Failed, 0, error, Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task RollBackAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection broke: the server rolls the transaction back itself.
        }
    }
}

public sealed record TenantSqlTarget(Guid TenantId, string Identifier, string SchemaName);

public enum TenantSqlOutcome
{
    Succeeded,
    Failed,
}

/// <summary>How the script went for one tenant; <see cref="RowsAffected"/> is summed over its statements.</summary>
public sealed record TenantSqlResult(
    string Identifier,
    TenantSqlOutcome Outcome,
    int RowsAffected,
    string? Error,
    TimeSpan Elapsed);
