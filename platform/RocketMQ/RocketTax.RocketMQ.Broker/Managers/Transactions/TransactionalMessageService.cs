using System.Globalization;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers.Transactions;

/// <summary>
/// RocketMQ's transactional messages. A half message is appended to <c>RMQ_SYS_TRANS_HALF_TOPIC</c>, where no
/// consumer reads it; EndTransaction COMMIT appends it to its real topic, ROLLBACK drops it. A transaction left
/// open is checked with a producer of the topic <c>transactionTimeOut</c> after its send and every
/// <c>transactionCheckInterval</c> after that; after <c>transactionCheckMax</c> checks it is rolled back.
/// Resolved half offsets are kept in <c>config/transaction.progress</c>, so open ones survive a restart.
/// </summary>
public sealed partial class TransactionalMessageService : BackgroundService
{
    /// <summary>RocketMQ's half-message topic.</summary>
    public const string HalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";

    private const int ScanBatch = 256;

    private readonly Dictionary<long, OpenTransaction> _open = [];
    private readonly Lock _gate = new();
    private readonly IMessageStore _store;
    private readonly ITransactionCheckChannel _channel;
    private readonly BrokerConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger<TransactionalMessageService> _logger;
    private readonly SystemQueueProgress _progress;

    public TransactionalMessageService(
        IMessageStore store, ITransactionCheckChannel channel, BrokerConfig config, TimeProvider time, ILogger<TransactionalMessageService> logger)
    {
        _store = store;
        _channel = channel;
        _config = config;
        _time = time;
        _logger = logger;
        _progress = new SystemQueueProgress(Path.Combine(config.StorePathRootDir, "config", "transaction.progress"));
        Recover();
    }

    /// <summary>Transactions neither committed nor rolled back yet.</summary>
    public int OpenCount
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>
    /// Stores a producer's half messages; returns each one's transaction id. A producer's send, so under the send
    /// queue's flow control (<see cref="StoreBusyException"/>); the commit's append is the broker's own put, never refused.
    /// </summary>
    public async ValueTask<IReadOnlyList<(PutResult Result, TransactionId Id)>> PrepareAsync(IReadOnlyList<MessageRecord> records, CancellationToken cancellationToken)
    {
        var halves = new MessageRecord[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var properties = new Dictionary<string, string>(record.Properties, StringComparer.Ordinal)
            {
                [MessageProperties.RealTopic] = record.Topic,
                [MessageProperties.RealQueueId] = record.QueueId.ToString(CultureInfo.InvariantCulture),
                [MessageProperties.TransactionPrepared] = "true",
            };
            halves[i] = record with { Topic = HalfTopic, QueueId = 0, Properties = properties };
        }

        var results = await _store.PutSendAsync(halves, cancellationToken).ConfigureAwait(false);
        var answer = new (PutResult, TransactionId)[results.Count];
        lock (_gate)
        {
            for (var i = 0; i < results.Count; i++)
            {
                var result = results[i];
                _open[result.QueueOffset] = new OpenTransaction(
                    result.CommitLogOffset, records[i].Properties.GetValueOrDefault(MessageProperties.MessageId) ?? string.Empty,
                    result.StoreTimestamp + _config.TransactionTimeOut);
                answer[i] = (result, new TransactionId(result.QueueOffset, _config.BrokerName));
            }
        }

        return answer;
    }

    /// <summary>Commits (appends to the real topic) or rolls back (drops) an open transaction.</summary>
    public async ValueTask<TransactionOutcome> EndAsync(string transactionId, string messageId, bool commit, string source, CancellationToken cancellationToken)
    {
        if (!TransactionId.TryParse(transactionId, out var id) || id.BrokerName != _config.BrokerName)
        {
            return TransactionOutcome.Unknown;
        }

        OpenTransaction? open;
        lock (_gate)
        {
            // Taken out at once, so a check or a second EndTransaction racing this one finds nothing to resolve.
            if (!_open.Remove(id.HalfOffset, out open) || (messageId.Length > 0 && open.MessageId.Length > 0 && open.MessageId != messageId))
            {
                if (open is not null)
                {
                    _open[id.HalfOffset] = open;
                }

                return TransactionOutcome.Unknown;
            }
        }

        if (commit)
        {
            try
            {
                if (_store.ReadMessage(open.CommitLogOffset) is { } half && ToRealRecord(half) is { } record)
                {
                    await _store.PutMessagesAsync([record], cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                lock (_gate)
                {
                    _open[id.HalfOffset] = open;
                }

                throw;
            }
        }

        _progress.MarkDone(id.HalfOffset);
        LogEnded(open.MessageId, commit ? "committed" : "rolled back", source);
        return commit ? TransactionOutcome.Committed : TransactionOutcome.RolledBack;
    }

    public override void Dispose()
    {
        base.Dispose();
        _progress.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(_config.TransactionTimeOut, _config.TransactionCheckInterval) / 4, 50, 1000));
        using var timer = new PeriodicTimer(tick, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await CheckDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad half message or one stuck producer must not stop the checks of all the others.
                _logger.LogError(ex, "Checking open transactions failed; retrying on the next tick");
            }
        }
    }

    /// <summary>Asks producers about transactions whose check time came, and rolls back those checked too often.</summary>
    public async Task CheckDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = new List<(long Offset, OpenTransaction Open)>();
        lock (_gate)
        {
            foreach (var (offset, open) in _open)
            {
                if (open.NextCheckAt <= now)
                {
                    open.NextCheckAt = now + _config.TransactionCheckInterval;
                    due.Add((offset, open));
                }
            }
        }

        foreach (var (offset, open) in due)
        {
            var id = new TransactionId(offset, _config.BrokerName).ToString();
            if (open.Checks >= _config.TransactionCheckMax)
            {
                if (await EndAsync(id, open.MessageId, commit: false, "check limit", cancellationToken).ConfigureAwait(false) == TransactionOutcome.RolledBack)
                {
                    LogGaveUp(open.MessageId, open.Checks);
                }

                continue;
            }

            open.Checks++;
            if (_store.ReadMessage(open.CommitLogOffset) is not { } half || ToRealRecord(half) is null)
            {
                continue;
            }

            var asked = await _channel.AskProducerAsync(
                half with { Topic = half.Properties[MessageProperties.RealTopic] }, id, cancellationToken).ConfigureAwait(false);
            LogChecked(open.MessageId, open.Checks, asked);
        }
    }

    private static MessageRecord? ToRealRecord(StoredMessage half)
    {
        if (half.Properties.GetValueOrDefault(MessageProperties.RealTopic) is not { Length: > 0 } topic
            || !int.TryParse(half.Properties.GetValueOrDefault(MessageProperties.RealQueueId), NumberStyles.None, CultureInfo.InvariantCulture, out var queueId))
        {
            return null;
        }

        var properties = new Dictionary<string, string>(half.Properties, StringComparer.Ordinal);
        properties.Remove(MessageProperties.RealTopic);
        properties.Remove(MessageProperties.RealQueueId);
        properties.Remove(MessageProperties.TransactionPrepared);
        return new MessageRecord(topic, queueId, half.Tag, properties, half.Body, half.BornTimestamp, half.BornHost);
    }

    private void Recover()
    {
        _progress.SkipTo(_store.GetMinOffset(HalfTopic, 0));
        var max = _store.GetMaxOffset(HalfTopic, 0);
        var entries = new ConsumeQueueEntry[ScanBatch];
        for (var offset = _progress.Watermark; offset < max;)
        {
            var read = _store.ReadQueueEntries(HalfTopic, 0, offset, entries);
            if (read == 0)
            {
                break;
            }

            for (var i = 0; i < read; i++)
            {
                var entry = entries[i];
                if (!_progress.IsDone(entry.QueueOffset) && _store.ReadMessage(entry) is { } half)
                {
                    _open[entry.QueueOffset] = new OpenTransaction(
                        half.CommitLogOffset, half.Properties.GetValueOrDefault(MessageProperties.MessageId) ?? string.Empty,
                        half.StoreTimestamp + _config.TransactionTimeOut);
                }
            }

            offset += read;
        }

        if (_open.Count > 0)
        {
            LogRecovered(_open.Count);
        }
    }

    private sealed class OpenTransaction(long commitLogOffset, string messageId, long nextCheckAt)
    {
        public long CommitLogOffset { get; } = commitLogOffset;

        public string MessageId { get; } = messageId;

        public long NextCheckAt { get; set; } = nextCheckAt;

        public int Checks { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {Count} open transactions (half messages neither committed nor rolled back)")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transactional message {MessageId} {Outcome} (by {Source})")]
    private partial void LogEnded(string messageId, string outcome, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked a producer about transactional message {MessageId} (check {Checks}); a producer was connected: {Asked}")]
    private partial void LogChecked(string messageId, int checks, bool asked);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transactional message {MessageId} rolled back: no producer resolved it after {Checks} checks (transactionCheckMax)")]
    private partial void LogGaveUp(string messageId, int checks);
}
