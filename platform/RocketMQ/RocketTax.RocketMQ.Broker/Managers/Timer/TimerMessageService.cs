using System.Globalization;
using System.Threading.Channels;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers.Timer;

/// <summary>
/// RocketMQ 5's timer for delayed messages. A delayed message is appended to the system topic
/// <c>rmq_sys_wheel_timer</c> with its real topic and queue in its properties; at its delivery time it is
/// appended to its real topic, where consumers see it. Memory holds only (due time, offsets) of pending
/// messages; which timer-queue offsets are delivered or recalled is kept in <c>config/timer.progress</c>,
/// so after a restart every pending message is scheduled again and one due meanwhile goes out at once.
/// </summary>
public sealed partial class TimerMessageService : BackgroundService
{
    /// <summary>RocketMQ's timer topic.</summary>
    public const string TimerTopic = "rmq_sys_wheel_timer";

    private const int DeliveryBatch = 512;
    private const int ScanBatch = 256;

    private readonly PriorityQueue<Pending, long> _queue = new();
    private readonly HashSet<long> _pending = [];
    private readonly Lock _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IMessageStore _store;
    private readonly BrokerConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger<TimerMessageService> _logger;
    private readonly SystemQueueProgress _progress;

    public TimerMessageService(IMessageStore store, BrokerConfig config, TimeProvider time, ILogger<TimerMessageService> logger)
    {
        _store = store;
        _config = config;
        _time = time;
        _logger = logger;
        _progress = new SystemQueueProgress(Path.Combine(config.StorePathRootDir, "config", "timer.progress"));
        Recover();
    }

    /// <summary>Delayed messages not delivered yet.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The latest delivery time a send may ask for, from now.</summary>
    public TimeSpan MaxDelay => TimeSpan.FromSeconds(_config.TimerMaxDelaySec);

    /// <summary>
    /// Stores a producer's messages for delivery at <paramref name="dueMillis"/> (Unix ms, one per record); returns
    /// where each landed in the timer queue, from which its recall handle is made. A producer's send, so under the
    /// send queue's flow control (<see cref="StoreBusyException"/>); the delivery at the due time is the broker's own put, never refused.
    /// </summary>
    public async ValueTask<IReadOnlyList<PutResult>> ScheduleAsync(IReadOnlyList<MessageRecord> records, IReadOnlyList<long> dueMillis, CancellationToken cancellationToken)
    {
        var timerRecords = new MessageRecord[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var properties = new Dictionary<string, string>(record.Properties, StringComparer.Ordinal)
            {
                [MessageProperties.RealTopic] = record.Topic,
                [MessageProperties.RealQueueId] = record.QueueId.ToString(CultureInfo.InvariantCulture),
                [MessageProperties.DeliveryTimestamp] = dueMillis[i].ToString(CultureInfo.InvariantCulture),
            };
            timerRecords[i] = record with { Topic = TimerTopic, QueueId = 0, Properties = properties };
        }

        var results = await _store.PutSendAsync(timerRecords, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            for (var i = 0; i < results.Count; i++)
            {
                _queue.Enqueue(new Pending(results[i].QueueOffset, results[i].CommitLogOffset), dueMillis[i]);
                _pending.Add(results[i].QueueOffset);
            }
        }

        _wake.Writer.TryWrite(true);
        return results;
    }

    /// <summary>Cancels a delayed message not delivered yet (RocketMQ 5.3's RecallMessage).</summary>
    public RecallOutcome Recall(RecallHandle handle)
    {
        if (handle.BrokerName != _config.BrokerName || handle.TimerOffset < 0 || handle.TimerOffset >= _store.GetMaxOffset(TimerTopic, 0))
        {
            return RecallOutcome.Unknown;
        }

        lock (_gate)
        {
            if (!_pending.Contains(handle.TimerOffset))
            {
                return RecallOutcome.AlreadyDone;
            }

            if (ReadTimerMessage(handle.TimerOffset) is not { } message
                || message.Properties.GetValueOrDefault(MessageProperties.MessageId) != handle.MessageId)
            {
                return RecallOutcome.Unknown;
            }

            _pending.Remove(handle.TimerOffset);
            _progress.MarkDone(handle.TimerOffset);
        }

        LogRecalled(handle.MessageId, handle.TimerOffset);
        return RecallOutcome.Recalled;
    }

    public override void Dispose()
    {
        base.Dispose();
        _progress.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var due = new List<(Pending Entry, long DueMillis)>(DeliveryBatch);
        while (!stoppingToken.IsCancellationRequested)
        {
            due.Clear();
            long? next = null;
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            lock (_gate)
            {
                while (due.Count < DeliveryBatch && _queue.TryPeek(out var entry, out var dueMillis))
                {
                    if (!_pending.Contains(entry.TimerOffset))
                    {
                        _queue.Dequeue(); // recalled
                        continue;
                    }

                    if (dueMillis > now)
                    {
                        next = dueMillis;
                        break;
                    }

                    // Leaving the pending set now makes a recall racing the delivery answer "already delivered".
                    _queue.Dequeue();
                    _pending.Remove(entry.TimerOffset);
                    due.Add((entry, dueMillis));
                }
            }

            if (due.Count > 0)
            {
                await DeliverAsync(due, stoppingToken).ConfigureAwait(false);
                continue;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var timer = next is { } at ? Task.Delay(TimeSpan.FromMilliseconds(at - now), _time, wait.Token) : Task.Delay(Timeout.Infinite, wait.Token);
            await Task.WhenAny(_wake.Reader.WaitToReadAsync(wait.Token).AsTask(), timer).ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
            await wait.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(List<(Pending Entry, long DueMillis)> due, CancellationToken cancellationToken)
    {
        var records = new List<MessageRecord>(due.Count);
        var offsets = new List<long>(due.Count);
        foreach (var (entry, _) in due)
        {
            offsets.Add(entry.TimerOffset);
            if (_store.ReadMessage(entry.CommitLogOffset) is { } message && ToRealRecord(message) is { } record)
            {
                records.Add(record);
            }
        }

        try
        {
            if (records.Count > 0)
            {
                await _store.PutMessagesAsync(records, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDeliveryFailed(ex, due.Count);
            lock (_gate)
            {
                foreach (var (entry, dueMillis) in due)
                {
                    _queue.Enqueue(entry, dueMillis);
                    _pending.Add(entry.TimerOffset);
                }
            }

            // Give the disk a moment before the same batch is tried again.
            await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            _progress.MarkDone(offsets);
        }
        catch (IOException ex)
        {
            // Delivered already: not retried now. Only a restart before the next successful write would deliver them again.
            LogProgressNotRecorded(ex, offsets.Count);
        }
    }

    private static MessageRecord? ToRealRecord(StoredMessage message)
    {
        if (message.Properties.GetValueOrDefault(MessageProperties.RealTopic) is not { Length: > 0 } topic
            || !int.TryParse(message.Properties.GetValueOrDefault(MessageProperties.RealQueueId), NumberStyles.None, CultureInfo.InvariantCulture, out var queueId))
        {
            return null;
        }

        var properties = new Dictionary<string, string>(message.Properties, StringComparer.Ordinal);
        properties.Remove(MessageProperties.RealTopic);
        properties.Remove(MessageProperties.RealQueueId);
        // The reconsume count goes along: a consumer's retry is a delayed message whose count says which retry it is.
        return new MessageRecord(topic, queueId, message.Tag, properties, message.Body, message.BornTimestamp, message.BornHost, message.ReconsumeTimes, message.Flag);
    }

    private StoredMessage? ReadTimerMessage(long timerOffset)
    {
        Span<ConsumeQueueEntry> entry = stackalloc ConsumeQueueEntry[1];
        return _store.ReadQueueEntries(TimerTopic, 0, timerOffset, entry) == 1 ? _store.ReadMessage(entry[0]) : null;
    }

    private void Recover()
    {
        _progress.SkipTo(_store.GetMinOffset(TimerTopic, 0));
        var max = _store.GetMaxOffset(TimerTopic, 0);
        var entries = new ConsumeQueueEntry[ScanBatch];
        for (var offset = _progress.Watermark; offset < max;)
        {
            var read = _store.ReadQueueEntries(TimerTopic, 0, offset, entries);
            if (read == 0)
            {
                break;
            }

            for (var i = 0; i < read; i++)
            {
                var entry = entries[i];
                if (_progress.IsDone(entry.QueueOffset) || _store.ReadMessage(entry) is not { } message
                    || !long.TryParse(message.Properties.GetValueOrDefault(MessageProperties.DeliveryTimestamp), NumberStyles.None, CultureInfo.InvariantCulture, out var due))
                {
                    continue;
                }

                _queue.Enqueue(new Pending(entry.QueueOffset, message.CommitLogOffset), due);
                _pending.Add(entry.QueueOffset);
            }

            offset += read;
        }

        if (_pending.Count > 0)
        {
            LogRecovered(_pending.Count);
        }
    }

    private readonly record struct Pending(long TimerOffset, long CommitLogOffset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer recovered {Count} delayed messages not delivered yet")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delayed message {MessageId} (timer offset {Offset}) recalled")]
    private partial void LogRecalled(string messageId, long offset);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering {Count} due delayed messages failed; retrying")]
    private partial void LogDeliveryFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} delayed message(s) were delivered but their progress could not be recorded; a restart may deliver them again")]
    private partial void LogProgressNotRecorded(Exception ex, int count);
}
