using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using RocketTax.CityTax.Reports;
using RocketTax.RocketMQ.Client;

namespace RocketTax.CityTax.Outbox;

/// <summary>
/// The SQLite outbox: a report is written here, durably, in the request that accepts it, and stays until
/// a send is acknowledged. A claim column keeps the request's own send and the relay from sending one
/// entry at the same time.
/// </summary>
public sealed class OutboxStore
{
    private static readonly TimeSpan ClaimDuration = TimeSpan.FromSeconds(30);

    /// <summary>The columns <see cref="Read"/> expects, in its order.</summary>
    private const string Columns = "report_id, tag, body, accepted_at, attempts, last_error, sent_at, message_id, broker_name, queue_id, queue_offset, trace_parent";

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public OutboxStore(IOptions<TaxReportingOptions> options, IHostEnvironment environment, TimeProvider time)
    {
        _time = time;
        var path = Path.IsPathRooted(options.Value.OutboxPath) ? options.Value.OutboxPath : Path.Combine(environment.ContentRootPath, options.Value.OutboxPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS outbox (
                report_id     TEXT PRIMARY KEY,
                tag           TEXT NOT NULL,
                body          TEXT NOT NULL,
                accepted_at   INTEGER NOT NULL,
                attempts      INTEGER NOT NULL DEFAULT 0,
                last_error    TEXT,
                claimed_until INTEGER,
                sent_at       INTEGER,
                message_id    TEXT,
                broker_name   TEXT,
                queue_id      INTEGER,
                queue_offset  INTEGER);
            CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (sent_at, accepted_at);
            """);

        // Added after the first release: an outbox created before gets the column here, its rows a null trace.
        AddColumnIfMissing(connection, "trace_parent", "TEXT");
    }

    /// <summary>Stores a new entry; false when a report with the same id was accepted before (nothing changes then).</summary>
    public async Task<bool> TryAcceptAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO outbox (report_id, tag, body, accepted_at, trace_parent) VALUES ($id, $tag, $body, $at, $trace)";
        command.Parameters.AddWithValue("$id", entry.ReportId);
        command.Parameters.AddWithValue("$tag", entry.Tag);
        command.Parameters.AddWithValue("$body", entry.Body);
        command.Parameters.AddWithValue("$at", entry.AcceptedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$trace", (object?)entry.TraceParent ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Claims an unsent entry for one sender; null when it is sent already or someone else holds it.</summary>
    public async Task<OutboxEntry?> TryClaimAsync(string reportId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE outbox SET claimed_until = $until, attempts = attempts + 1
            WHERE report_id = $id AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $now)
            RETURNING {Columns}
            """;
        command.Parameters.AddWithValue("$id", reportId);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", (now + ClaimDuration).ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Ids of the oldest unsent entries that no sender holds.</summary>
    public async Task<IReadOnlyList<string>> PendingIdsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT report_id FROM outbox WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $now) ORDER BY accepted_at LIMIT $limit";
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Every unsent entry, oldest first, for <c>GET /api/outbox</c>.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> PendingAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns}
            FROM outbox WHERE sent_at IS NULL ORDER BY accepted_at LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", limit);
        var entries = new List<OutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    public async Task<OutboxEntry?> FindAsync(string reportId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns}
            FROM outbox WHERE report_id = $id
            """;
        command.Parameters.AddWithValue("$id", reportId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task MarkSentAsync(string reportId, SendReceipt receipt, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox SET sent_at = $at, message_id = $message, broker_name = $broker, queue_id = $queue, queue_offset = $offset,
                              claimed_until = NULL, last_error = NULL
            WHERE report_id = $id
            """;
        command.Parameters.AddWithValue("$id", reportId);
        command.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$message", receipt.MessageId);
        command.Parameters.AddWithValue("$broker", receipt.BrokerName);
        command.Parameters.AddWithValue("$queue", receipt.QueueId);
        command.Parameters.AddWithValue("$offset", receipt.Offset);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Releases the claim and records why the send failed; the relay tries again.</summary>
    public async Task MarkFailedAsync(string reportId, string error, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE outbox SET claimed_until = NULL, last_error = $error WHERE report_id = $id";
        command.Parameters.AddWithValue("$id", reportId);
        command.Parameters.AddWithValue("$error", error);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // An accepted report must survive a power cut, not only a crash of this process.
        Execute(connection, "PRAGMA synchronous = FULL;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void AddColumnIfMissing(SqliteConnection connection, string column, string type)
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = $column";
        columns.Parameters.AddWithValue("$column", column);
        if ((long)columns.ExecuteScalar()! == 0)
        {
            Execute(connection, $"ALTER TABLE outbox ADD COLUMN {column} {type};");
        }
    }

    private static OutboxEntry Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        reader.GetInt32(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetInt32(9),
        reader.IsDBNull(10) ? null : reader.GetInt64(10),
        reader.IsDBNull(11) ? null : reader.GetString(11));
}
