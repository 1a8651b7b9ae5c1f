using System.Diagnostics;
using Npgsql;

namespace Tenancy.IntegrationTests.Provisioning;

/// <summary>
/// Fault injection for the code run in one async flow: counts the SQL commands Npgsql starts there (through its
/// ActivitySource, which sees every command on every connection, EF Core's included), and from the Nth on kills
/// every session of the given databases just before the command goes out, as if the process had died there: the
/// server rolls back what was open, and nothing after it (cleanup included) reaches the server. Other flows' commands
/// are untouched.
/// </summary>
internal sealed class SqlFaults : IDisposable
{
    private static readonly AsyncLocal<SqlFaults?> Current = new();
    private static readonly ActivityListener Listener = StartListener();

    private readonly int? _failFrom;
    private readonly NpgsqlDataSource? _killer;
    private readonly string[] _databases;
    private readonly List<string> _commands = [];

    private SqlFaults(int? failFrom, string? serverConnectionString, string[] databases)
    {
        _failFrom = failFrom;
        _databases = databases;
        _killer = serverConnectionString is null ? null : NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
    }

    /// <summary>The commands seen so far (their SQL, shortened), the one killed at included.</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>How many times sessions were killed.</summary>
    public int Kills { get; private set; }

    /// <summary>Counts commands only.</summary>
    public static SqlFaults Count() => Begin(new SqlFaults(null, null, []));

    /// <summary>
    /// From the <paramref name="n"/>th command (1-based) on, every session on <paramref name="databases"/> is
    /// terminated just before each command is sent.
    /// </summary>
    public static SqlFaults KillFrom(int n, string serverConnectionString, params string[] databases) => Begin(new SqlFaults(n, serverConnectionString, databases));

    public void Dispose()
    {
        Current.Value = null;
        _killer?.Dispose();
    }

    private static SqlFaults Begin(SqlFaults faults)
    {
        GC.KeepAlive(Listener);
        Current.Value = faults;
        return faults;
    }

    private void OnCommand(string name)
    {
        int n;
        lock (_commands)
        {
            _commands.Add(name);
            n = _commands.Count;
        }

        if (n >= _failFrom)
        {
            Kills++;
            // Synchronous: the command must not go out before its session is gone. Not seen by this listener (no flow).
            using (ExecutionContext.SuppressFlow())
            {
                Task.Run(KillSessions).GetAwaiter().GetResult();
            }
        }
    }

    private async Task KillSessions()
    {
        // Until they are gone, not just signalled: the command must find its session dead.
        await using var kill = _killer!.CreateCommand("""
            DO $$
            DECLARE victims int[];
            BEGIN
                SELECT array_agg(pid) INTO victims FROM pg_stat_activity WHERE datname = ANY(ARRAY[%DATABASES%]) AND pid <> pg_backend_pid();
                PERFORM pg_terminate_backend(v) FROM unnest(victims) v;
                -- pg_stat_activity is a snapshot per transaction until cleared.
                WHILE EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = ANY(victims)) LOOP
                    PERFORM pg_sleep(0.005);
                    PERFORM pg_stat_clear_snapshot();
                END LOOP;
            END $$
            """.Replace("%DATABASES%", string.Join(", ", _databases.Select(d => "'" + d + "'")), StringComparison.Ordinal));
        await kill.ExecuteNonQueryAsync();
    }

    private static ActivityListener StartListener()
    {
        const string index = "sqlfaults.index";
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
            {
                if (Current.Value is not { } faults)
                {
                    return ActivitySamplingResult.None;
                }

                faults.OnCommand(options.Name);
                return ActivitySamplingResult.AllData;
            },
            // Npgsql tags the SQL after the span starts: name the command by it when it ends.
            ActivityStarted = activity => activity.SetCustomProperty(index, Current.Value?.Commands.Count),
            ActivityStopped = activity =>
            {
                if (Current.Value is { } faults && activity.GetCustomProperty(index) is int n
                    && (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) is string sql)
                {
                    lock (faults._commands)
                    {
                        faults._commands[n - 1] = sql.Length > 60 ? sql[..60] : sql;
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
