using Microsoft.Data.Sqlite;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>An asynchronous invocation waiting in Lambda's event queue, or being attempted.</summary>
/// <param name="TraceParent">The W3C <c>traceparent</c> of whoever queued it, so the invocation joins their trace.</param>
/// <param name="TopicArn">The topic, for an event SNS delivered; null for an <c>Event</c> invoke.</param>
/// <param name="QueuedAt">When Lambda accepted it: its age, for <c>MaximumEventAgeInSeconds</c>, counts from here.</param>
/// <param name="FailedAttempts">The attempts that failed so far (throttles are not counted).</param>
public sealed record QueuedAsyncEvent(
    long Id,
    string FunctionLogicalId,
    byte[] Payload,
    string? TraceParent,
    string? TopicArn,
    DateTimeOffset QueuedAt,
    int FailedAttempts);

/// <summary>
/// Lambda's internal queue of asynchronous invocations, in one SQLite file that outlives LocalCloud: an event is kept
/// from the moment Lambda accepts it until it succeeded or its failure was written, so a LocalCloud restart neither loses
/// nor doubles one (an event whose attempt was cut short by the restart is attempted again, which AWS's at-least-once
/// delivery allows). Without a path the queue is in memory and lives as long as the process.
/// <list type="bullet">
/// <item>One connection, held for the process's life with SQLite's exclusive locking, so a second LocalCloud cannot
/// share the file and hand out the same events: it fails at start, naming the file.</item>
/// <item>Write-ahead log with <c>synchronous=NORMAL</c>: a commit survives the process being killed (not a power cut).</item>
/// <item>An event is <em>leased</em> while an attempt runs; the leases of a process that is gone are void at start.</item>
/// </list>
/// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
/// </summary>
public sealed class AsyncEventStore : IDisposable
{
    /// <summary>The connection string's data source for a queue that lives only in memory.</summary>
    public const string InMemory = ":memory:";

    private const int SchemaVersion = 1;

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _lease;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _release;
    private readonly SqliteCommand _countAttempts;
    private readonly SqliteCommand _nextVisible;
    private readonly SqliteCommand _count;

    /// <param name="path">The file, made with its folder when missing; <see cref="InMemory"/> or empty for none.</param>
    public AsyncEventStore(string? path)
    {
        var inMemory = string.IsNullOrWhiteSpace(path) || path == InMemory;
        if (!inMemory)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path!))!);
        }

        Path = inMemory ? InMemory : System.IO.Path.GetFullPath(path!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Pooling = false,
            DefaultTimeout = 2,
        }.ToString());
        _connection.Open();
        try
        {
            Execute("""
                PRAGMA locking_mode = EXCLUSIVE;
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS async_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    function TEXT NOT NULL,
                    event_key TEXT,
                    payload BLOB NOT NULL,
                    trace_parent TEXT,
                    topic_arn TEXT,
                    queued_at INTEGER NOT NULL,
                    failed_attempts INTEGER NOT NULL DEFAULT 0,
                    visible_at INTEGER NOT NULL,
                    leased INTEGER NOT NULL DEFAULT 0);
                CREATE UNIQUE INDEX IF NOT EXISTS async_events_by_key ON async_events (function, event_key) WHERE event_key IS NOT NULL;
                CREATE INDEX IF NOT EXISTS async_events_due ON async_events (function, leased, visible_at, id);
                """);
            if (Scalar("PRAGMA user_version;") is long version && version > SchemaVersion)
            {
                throw new InvalidOperationException($"The asynchronous event queue {Path} was written by a newer LocalCloud (schema {version}); use another file.");
            }

            Execute($"PRAGMA user_version = {SchemaVersion}; UPDATE async_events SET leased = 0 WHERE leased = 1;");
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is 5 or 6)
        {
            _connection.Dispose();
            throw new InvalidOperationException(
                $"The asynchronous event queue {Path} is in use by another LocalCloud; give each its own LocalCloud:Lambda:EventQueuePath.", exception);
        }

        _insert = Prepare("""
            INSERT OR IGNORE INTO async_events (function, event_key, payload, trace_parent, topic_arn, queued_at, visible_at)
            VALUES ($function, $key, $payload, $traceParent, $topicArn, $queuedAt, $queuedAt);
            """, "$function", "$key", "$payload", "$traceParent", "$topicArn", "$queuedAt");
        _lease = Prepare("""
            UPDATE async_events SET leased = 1
            WHERE id IN (SELECT id FROM async_events WHERE function = $function AND leased = 0 AND visible_at <= $now ORDER BY visible_at, id LIMIT $max)
            RETURNING id, payload, trace_parent, topic_arn, queued_at, failed_attempts;
            """, "$function", "$now", "$max");
        _delete = Prepare("DELETE FROM async_events WHERE id = $id;", "$id");
        _release = Prepare(
            "UPDATE async_events SET leased = 0, failed_attempts = $failed, visible_at = $visibleAt WHERE id = $id;",
            "$id", "$failed", "$visibleAt");
        _countAttempts = Prepare("UPDATE async_events SET failed_attempts = $failed WHERE id = $id;", "$id", "$failed");
        _nextVisible = Prepare("SELECT MIN(visible_at) FROM async_events WHERE function = $function AND leased = 0;", "$function");
        _count = Prepare("SELECT COUNT(*) FROM async_events WHERE function = $function;", "$function");
    }

    /// <summary>The file, or <see cref="InMemory"/>.</summary>
    public string Path { get; }

    /// <summary>
    /// Queues an event; false when one with the same <paramref name="eventKey"/> is already queued for the function
    /// (SNS's message id and subscription, for instance), so a message is never queued twice.
    /// </summary>
    public bool Enqueue(string functionLogicalId, string? eventKey, byte[] payload, string? traceParent, string? topicArn, DateTimeOffset queuedAt)
    {
        lock (_gate)
        {
            Bind(_insert, functionLogicalId, (object?)eventKey, payload, traceParent, topicArn, queuedAt.ToUnixTimeMilliseconds());
            return _insert.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>Leases up to <paramref name="max"/> of the function's events that are due, oldest first.</summary>
    public IReadOnlyList<QueuedAsyncEvent> Lease(string functionLogicalId, DateTimeOffset now, int max)
    {
        if (max <= 0)
        {
            return [];
        }

        lock (_gate)
        {
            Bind(_lease, functionLogicalId, now.ToUnixTimeMilliseconds(), max);
            var leased = new List<QueuedAsyncEvent>();
            using var reader = _lease.ExecuteReader();
            while (reader.Read())
            {
                leased.Add(new QueuedAsyncEvent(
                    reader.GetInt64(0),
                    functionLogicalId,
                    (byte[])reader.GetValue(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.GetInt32(5)));
            }

            // RETURNING gives rows in no promised order.
            leased.Sort((a, b) => a.Id.CompareTo(b.Id));
            return leased;
        }
    }

    /// <summary>The event is done with: it succeeded, or its failure was written, or Lambda discarded it.</summary>
    public void Delete(long id)
    {
        lock (_gate)
        {
            Bind(_delete, id);
            _delete.ExecuteNonQuery();
        }
    }

    /// <summary>The lease ends and the event waits until <paramref name="visibleAt"/> for its next attempt.</summary>
    public void Release(long id, int failedAttempts, DateTimeOffset visibleAt)
    {
        lock (_gate)
        {
            Bind(_release, id, failedAttempts, visibleAt.ToUnixTimeMilliseconds());
            _release.ExecuteNonQuery();
        }
    }

    /// <summary>Records the failed attempts of a leased event, which stays leased.</summary>
    public void CountAttempts(long id, int failedAttempts)
    {
        lock (_gate)
        {
            Bind(_countAttempts, id, failedAttempts);
            _countAttempts.ExecuteNonQuery();
        }
    }

    /// <summary>When the function's next waiting event is due, or null when none waits.</summary>
    public DateTimeOffset? NextVisibleAt(string functionLogicalId)
    {
        lock (_gate)
        {
            Bind(_nextVisible, functionLogicalId);
            return _nextVisible.ExecuteScalar() is long milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
        }
    }

    /// <summary>The function's events in the queue, waiting or being attempted.</summary>
    public int Count(string functionLogicalId)
    {
        lock (_gate)
        {
            Bind(_count, functionLogicalId);
            return Convert.ToInt32(_count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var command in (SqliteCommand[])[_insert, _lease, _delete, _release, _countAttempts, _nextVisible, _count])
            {
                command.Dispose();
            }

            _connection.Dispose();
        }
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
