using System.Collections.Concurrent;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Managers.Filtering;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// RocketMQ 5's POP consumption: hands messages of a topic's queues to a consumer group, keeps each
/// invisible until it is acked or its invisible time runs out, redelivers with the next attempt number,
/// and moves a message to <c>%DLQ%group</c> once the group's retries are used up. For an orderly group on a
/// FIFO topic a queue is held by its oldest un-acked message: nothing after it is handed out until it is acked
/// or dead-lettered, and a redelivery keeps its place.
/// </summary>
public sealed class PopManager : IAsyncDisposable
{
    private const int ScanBatch = 64;

    /// <summary>How long a message on its way to the DLQ stays invisible; if the move fails it is tried again after this.</summary>
    private const long ParkMillis = 60_000;

    private readonly ConcurrentDictionary<ConsumerQueueKey, ConsumerQueueState> _states = new();
    private readonly ConcurrentDictionary<(string Group, string Topic), int> _rotation = new();
    private readonly IMessageStore _store;
    private readonly QueueMessageReader _reader;
    private readonly QueueArrivals _arrivals;
    private readonly TopicManager _topics;
    private readonly SubscriptionGroupManager _groups;
    private readonly PopJournal _journal;
    private readonly BrokerConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger<PopManager> _logger;

    public PopManager(
        IMessageStore store,
        QueueMessageReader reader,
        QueueArrivals arrivals,
        TopicManager topics,
        SubscriptionGroupManager groups,
        PopJournal journal,
        BrokerConfig config,
        TimeProvider time,
        ILogger<PopManager> logger)
    {
        _store = store;
        _reader = reader;
        _arrivals = arrivals;
        _topics = topics;
        _groups = groups;
        _journal = journal;
        _config = config;
        _time = time;
        _logger = logger;
        Recover();
        _journal.Start(Snapshot);
    }

    /// <summary>Deliveries a group gets before a message goes to its dead-letter queue (first try + retries).</summary>
    public int MaxDeliveryAttempts(string group) => Math.Max(0, _groups.Get(group).RetryMaxTimes) + 1;

    /// <summary>True when the group consumes the topic in order: an orderly group on a FIFO topic.</summary>
    public bool IsOrderly(string group, TopicConfig topic) => topic.MessageType == TopicMessageType.Fifo && _groups.IsOrderly(group);

    /// <summary>
    /// Pops up to <paramref name="maxMessages"/> messages matching <paramref name="filter"/> from the
    /// topic's queues (or only <paramref name="queueId"/> when it is not -1), waiting up to
    /// <paramref name="longPolling"/> for one to arrive or come due.
    /// </summary>
    public async ValueTask<IReadOnlyList<PoppedMessage>> PopAsync(
        string group, TopicConfig topic, int queueId, IMessageFilter filter, int maxMessages, TimeSpan invisible, TimeSpan longPolling, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + longPolling;
        var watched = queueId >= 0 && queueId < topic.QueueCount ? queueId : QueueArrivals.AnyQueue;
        while (true)
        {
            // Take the arrival signal before looking, so a message appended in between still wakes us.
            var arrival = _arrivals.Next(topic.Name, watched);
            var (messages, nextDue) = await TryPopAsync(group, topic, watched, filter, maxMessages, invisible, cancellationToken).ConfigureAwait(false);
            if (messages.Count > 0)
            {
                return messages;
            }

            var now = _time.GetUtcNow();
            if (now >= deadline)
            {
                return [];
            }

            var wakeAt = nextDue is { } due && due < deadline ? due : deadline;
            await QueueArrivals.WaitAsync(arrival, wakeAt - now + TimeSpan.FromMilliseconds(1), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Acknowledges the message a receipt handle names; a handle superseded by a redelivery still acks it.</summary>
    public ReceiptOutcome Ack(string group, ReceiptHandle handle)
    {
        _journal.EnsureAccepting();
        if (!TryGetState(group, handle, out var state))
        {
            return ReceiptOutcome.UnknownHandle;
        }

        lock (state.Gate)
        {
            if (!state.InFlight.Remove(handle.QueueOffset))
            {
                return handle.QueueOffset < state.NextOffset ? ReceiptOutcome.AlreadyAcked : ReceiptOutcome.UnknownHandle;
            }

            _journal.Append(PopJournal.Ack(state.Key, handle.QueueOffset));
        }

        WakeIfFifo(handle.Topic, handle.QueueId);
        return ReceiptOutcome.Done;
    }

    /// <summary>Makes the message invisible for <paramref name="invisible"/> from now, issuing a new handle.</summary>
    public ReceiptOutcome ChangeInvisibleDuration(string group, ReceiptHandle handle, TimeSpan invisible, out ReceiptHandle renewed)
    {
        renewed = handle;
        _journal.EnsureAccepting();
        if (!TryGetState(group, handle, out var state))
        {
            return ReceiptOutcome.UnknownHandle;
        }

        lock (state.Gate)
        {
            if (!state.InFlight.TryGetValue(handle.QueueOffset, out var inFlight))
            {
                return handle.QueueOffset < state.NextOffset ? ReceiptOutcome.AlreadyAcked : ReceiptOutcome.UnknownHandle;
            }

            if (inFlight.PopTime != handle.PopTime)
            {
                return ReceiptOutcome.Superseded;
            }

            var now = NowMillis();
            inFlight.PopTime = Math.Max(now, inFlight.PopTime + 1);
            inFlight.VisibleAt = now + (long)invisible.TotalMilliseconds;
            renewed = handle with { PopTime = inFlight.PopTime, InvisibleMillis = (long)invisible.TotalMilliseconds };
            _journal.Append(PopJournal.Pop(state.Key, handle.QueueOffset, inFlight.Attempt, inFlight.VisibleAt, inFlight.PopTime));
            return ReceiptOutcome.Done;
        }
    }

    /// <summary>Moves the message to <c>%DLQ%group</c> and acks it, as a consumer asks when it gives up.</summary>
    public async ValueTask<ReceiptOutcome> ForwardToDeadLetterQueueAsync(string group, ReceiptHandle handle, CancellationToken cancellationToken)
    {
        // Parked first, which also retires the handle, so no redelivery, revive or second forward races the move;
        // a handle superseded by a later delivery is refused, as that delivery's consumer decides.
        var outcome = ChangeInvisibleDuration(group, handle, TimeSpan.FromMilliseconds(ParkMillis), out _);
        if (outcome != ReceiptOutcome.Done || !TryGetState(group, handle, out var state))
        {
            return outcome;
        }

        int attempt;
        lock (state.Gate)
        {
            if (!state.InFlight.TryGetValue(handle.QueueOffset, out var inFlight))
            {
                return ReceiptOutcome.AlreadyAcked;
            }

            attempt = inFlight.Attempt;
        }

        await MoveToDeadLetterQueueAsync(state, handle.QueueOffset, attempt, cancellationToken).ConfigureAwait(false);
        return ReceiptOutcome.Done;
    }

    /// <summary>
    /// Moves messages whose last delivery attempt ran out to their group's DLQ without waiting for the
    /// group to poll again, as RocketMQ's revive service does.
    /// </summary>
    public async ValueTask<int> ReviveAsync(CancellationToken cancellationToken)
    {
        var exhausted = new List<(ConsumerQueueState State, long Offset, int Attempt)>();
        var now = NowMillis();
        foreach (var state in _states.Values)
        {
            var maxAttempts = MaxDeliveryAttempts(state.Key.Group);
            lock (state.Gate)
            {
                foreach (var (offset, inFlight) in state.InFlight)
                {
                    if (inFlight.VisibleAt <= now && inFlight.Attempt >= maxAttempts)
                    {
                        inFlight.VisibleAt = now + ParkMillis;
                        exhausted.Add((state, offset, inFlight.Attempt));
                    }
                }
            }
        }

        foreach (var (state, offset, attempt) in exhausted)
        {
            await MoveToDeadLetterQueueAsync(state, offset, attempt, cancellationToken).ConfigureAwait(false);
        }

        return exhausted.Count;
    }

    /// <summary>The group's consumer offset on a queue (every message below it is done), or null if the group never consumed it.</summary>
    public long? GetConsumeOffset(string group, string topic, int queueId)
    {
        if (!_states.TryGetValue(new(group, topic, queueId), out var state))
        {
            return null;
        }

        lock (state.Gate)
        {
            return state.ConsumeOffset;
        }
    }

    /// <summary>Every group's consumer offset on every queue it has consumed from (for lag metrics).</summary>
    public IReadOnlyList<(ConsumerQueueKey Key, long ConsumeOffset)> ConsumeOffsets()
    {
        var offsets = new List<(ConsumerQueueKey, long)>(_states.Count);
        foreach (var state in _states.Values)
        {
            lock (state.Gate)
            {
                offsets.Add((state.Key, state.ConsumeOffset));
            }
        }

        return offsets;
    }

    /// <summary>Groups that have consumed from the topic.</summary>
    public IReadOnlyCollection<string> GroupsOf(string topic) =>
        _states.Keys.Where(k => k.Topic == topic).Select(k => k.Group).Distinct().ToArray();

    public ValueTask DisposeAsync() => _journal.DisposeAsync();

    private async ValueTask<(IReadOnlyList<PoppedMessage> Messages, DateTimeOffset? NextDue)> TryPopAsync(
        string group, TopicConfig topic, int watched, IMessageFilter filter, int maxMessages, TimeSpan invisible, CancellationToken cancellationToken)
    {
        // Refused before any message is marked in flight: a pop the journal cannot record would come back after a restart.
        _journal.EnsureAccepting();
        var messages = new List<PoppedMessage>();
        var exhausted = new List<(ConsumerQueueState State, long Offset, int Attempt)>();
        long? nextDue = null;
        var orderly = IsOrderly(group, topic);
        var single = watched != QueueArrivals.AnyQueue;
        var start = single ? watched : _rotation.AddOrUpdate((group, topic.Name), 0, static (_, current) => current + 1);
        for (var i = 0; i < (single ? 1 : topic.QueueCount) && messages.Count < maxMessages; i++)
        {
            var queueId = (int)((uint)(start + i) % (uint)topic.QueueCount);
            var state = GetOrCreateState(new ConsumerQueueKey(group, topic.Name, queueId));
            var due = orderly
                ? PopInOrder(state, filter, maxMessages - messages.Count, invisible, messages, exhausted)
                : PopFromQueue(state, filter, maxMessages - messages.Count, invisible, messages, exhausted);
            if (due is { } d && (nextDue is null || d < nextDue))
            {
                nextDue = d;
            }
        }

        foreach (var (state, offset, attempt) in exhausted)
        {
            try
            {
                await MoveToDeadLetterQueueAsync(state, offset, attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // Still in flight: the revive service tries again once its parking time has passed.
                _logger.LogError(ex, "Moving {Topic} queue {QueueId} offset {Offset} to the dead-letter queue failed", state.Key.Topic, state.Key.QueueId, offset);
            }
        }

        return (messages, nextDue is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    /// <summary>Pops from one queue under its lock; returns when the earliest in-flight message there comes due.</summary>
    private long? PopFromQueue(
        ConsumerQueueState state, IMessageFilter filter, int maxMessages, TimeSpan invisible,
        List<PoppedMessage> messages, List<(ConsumerQueueState, long, int)> exhausted)
    {
        var key = state.Key;
        var invisibleMillis = (long)invisible.TotalMilliseconds;
        var maxAttempts = MaxDeliveryAttempts(key.Group);
        var taken = 0;
        long? nextDue = null;
        lock (state.Gate)
        {
            DropDeleted(state);
            var now = NowMillis();
            foreach (var (offset, inFlight) in state.InFlight)
            {
                if (inFlight.VisibleAt > now)
                {
                    nextDue = nextDue is null ? inFlight.VisibleAt : Math.Min(nextDue.Value, inFlight.VisibleAt);
                    continue;
                }

                if (taken >= maxMessages)
                {
                    nextDue = now;
                    break;
                }

                if (inFlight.Attempt >= maxAttempts)
                {
                    // Parked far in the future until the move to the DLQ (outside the lock) acks it.
                    inFlight.VisibleAt = now + invisibleMillis;
                    exhausted.Add((state, offset, inFlight.Attempt));
                    continue;
                }

                if (Redeliver(key, offset, inFlight, now, invisibleMillis, messages))
                {
                    taken++;
                }
            }

            PopNew(state, filter, maxMessages - taken, invisibleMillis, now, messages);
        }

        return nextDue;
    }

    /// <summary>
    /// Pops from one queue of an orderly group under its lock. In-flight messages come first and in offset
    /// order: the oldest one, while invisible, holds the queue; once visible again it and the visible ones
    /// right behind it are redelivered. New messages are handed out only when nothing is in flight.
    /// </summary>
    private long? PopInOrder(
        ConsumerQueueState state, IMessageFilter filter, int maxMessages, TimeSpan invisible,
        List<PoppedMessage> messages, List<(ConsumerQueueState, long, int)> exhausted)
    {
        var key = state.Key;
        var invisibleMillis = (long)invisible.TotalMilliseconds;
        var maxAttempts = MaxDeliveryAttempts(key.Group);
        lock (state.Gate)
        {
            DropDeleted(state);
            var now = NowMillis();
            if (state.InFlight.Count == 0)
            {
                PopNew(state, filter, maxMessages, invisibleMillis, now, messages);
                return null;
            }

            var taken = 0;
            foreach (var (offset, inFlight) in state.InFlight)
            {
                if (inFlight.VisibleAt > now)
                {
                    return taken == 0 ? inFlight.VisibleAt : null;
                }

                if (taken >= maxMessages)
                {
                    return now;
                }

                if (inFlight.Attempt >= maxAttempts)
                {
                    // Its move to the DLQ (outside the lock) acks it and frees the queue for the next one.
                    inFlight.VisibleAt = now + invisibleMillis;
                    exhausted.Add((state, offset, inFlight.Attempt));
                    return taken == 0 ? inFlight.VisibleAt : null;
                }

                if (Redeliver(key, offset, inFlight, now, invisibleMillis, messages))
                {
                    taken++;
                }
            }

            return null;
        }
    }

    /// <summary>Hands out messages not delivered before, from the queue's next offset; the caller holds the queue's lock.</summary>
    private void PopNew(ConsumerQueueState state, IMessageFilter filter, int maxMessages, long invisibleMillis, long now, List<PoppedMessage> messages)
    {
        var key = state.Key;
        var taken = 0;
        var maxOffset = _store.GetMaxOffset(key.Topic, key.QueueId);
        var startNext = state.NextOffset;
        Span<ConsumeQueueEntry> entries = stackalloc ConsumeQueueEntry[ScanBatch];
        while (taken < maxMessages && state.NextOffset < maxOffset)
        {
            var read = _store.ReadQueueEntries(key.Topic, key.QueueId, state.NextOffset, entries);
            if (read == 0)
            {
                break;
            }

            for (var i = 0; i < read && taken < maxMessages; i++)
            {
                var entry = entries[i];
                state.NextOffset = entry.QueueOffset + 1;
                if (!filter.MayMatch(entry.TagHashCode))
                {
                    continue;
                }

                // An unreadable message is passed over for good; the reader says so in the log.
                if (_reader.Read(key.Group, key.Topic, key.QueueId, entry) is not { } message || !filter.Matches(message))
                {
                    continue;
                }

                var inFlight = new InFlightMessage(1, now + invisibleMillis, now);
                state.InFlight[entry.QueueOffset] = inFlight;
                _journal.Append(PopJournal.Pop(key, entry.QueueOffset, 1, inFlight.VisibleAt, inFlight.PopTime));
                messages.Add(Deliver(message, key, inFlight, invisibleMillis));
                taken++;
            }
        }

        if (state.NextOffset != startNext)
        {
            _journal.Append(PopJournal.Next(key, state.NextOffset));
        }
    }

    /// <summary>Hands an in-flight message out again with the next attempt; false when its entry is gone (deleted by retention).</summary>
    private bool Redeliver(ConsumerQueueKey key, long offset, InFlightMessage inFlight, long now, long invisibleMillis, List<PoppedMessage> messages)
    {
        var message = ReadAt(key, offset);
        if (message is null)
        {
            return false;
        }

        inFlight.Attempt++;
        inFlight.PopTime = Math.Max(now, inFlight.PopTime + 1);
        inFlight.VisibleAt = now + invisibleMillis;
        _journal.Append(PopJournal.Pop(key, offset, inFlight.Attempt, inFlight.VisibleAt, inFlight.PopTime));
        messages.Add(Deliver(message, key, inFlight, invisibleMillis));
        return true;
    }

    private PoppedMessage Deliver(StoredMessage message, ConsumerQueueKey key, InFlightMessage inFlight, long invisibleMillis) =>
        new(message, inFlight.Attempt, new ReceiptHandle(_config.BrokerName, key.Topic, key.QueueId, message.QueueOffset, inFlight.PopTime, invisibleMillis));

    private async ValueTask MoveToDeadLetterQueueAsync(ConsumerQueueState state, long offset, int attempt, CancellationToken cancellationToken)
    {
        var key = state.Key;
        var message = ReadAt(key, offset);
        if (message is not null)
        {
            var dlq = _topics.GetOrCreateSystemTopic(ResourceNames.DeadLetterTopic(key.Group));
            var properties = new Dictionary<string, string>(message.Properties)
            {
                [MessageProperties.RetryTopic] = key.Topic,
                [MessageProperties.OriginQueueId] = key.QueueId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [MessageProperties.OriginQueueOffset] = offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var record = new MessageRecord(dlq.Name, 0, message.Tag, properties, message.Body, message.BornTimestamp, message.BornHost, attempt);
            await _store.PutMessagesAsync([record], cancellationToken).ConfigureAwait(false);
            _logger.LogWarning(
                "Message {MessageId} of {Topic} queue {QueueId} offset {Offset} moved to {DeadLetterTopic} after {Attempts} deliveries to group {Group}",
                message.Properties.GetValueOrDefault(MessageProperties.MessageId), key.Topic, key.QueueId, offset, dlq.Name, attempt, key.Group);
        }

        lock (state.Gate)
        {
            if (state.InFlight.Remove(offset))
            {
                _journal.Append(PopJournal.Ack(key, offset));
            }
        }

        WakeIfFifo(key.Topic, key.QueueId);
    }

    /// <summary>An ack may free a held FIFO queue: wake the receives waiting on it.</summary>
    private void WakeIfFifo(string topic, int queueId)
    {
        if (_topics.TryGet(topic, out var config) && config.MessageType == TopicMessageType.Fifo)
        {
            _arrivals.Wake(topic, queueId);
        }
    }

    /// <summary>The message at <paramref name="offset"/>; null when retention deleted it (the store reads from its min offset on).</summary>
    private StoredMessage? ReadAt(ConsumerQueueKey key, long offset)
    {
        Span<ConsumeQueueEntry> entry = stackalloc ConsumeQueueEntry[1];
        return _store.ReadQueueEntries(key.Topic, key.QueueId, offset, entry) == 1 && entry[0].QueueOffset == offset
            ? _store.ReadMessage(entry[0])
            : null;
    }

    /// <summary>
    /// Skips offsets whose segments were deleted by retention: the next offset moves to the first message still stored, and
    /// in-flight messages below it, which can be neither redelivered nor moved to the DLQ, are done with; the caller holds
    /// the queue's lock.
    /// </summary>
    private void DropDeleted(ConsumerQueueState state)
    {
        var key = state.Key;
        var min = _store.GetMinOffset(key.Topic, key.QueueId);
        if (state.NextOffset < min)
        {
            state.NextOffset = min;
        }

        // Every pop comes here, and reading the lowest in-flight offset walks (and allocates) a tree enumerator: look
        // only when retention moved the queue's start since the last look. Messages go in flight at NextOffset or
        // above, so none can appear below a start already looked at.
        if (min <= state.RetentionCheckedTo)
        {
            return;
        }

        state.RetentionCheckedTo = min;
        var dropped = 0;
        while (state.InFlight.Count > 0 && state.InFlight.Keys.First() < min)
        {
            var offset = state.InFlight.Keys.First();
            state.InFlight.Remove(offset);
            _journal.Append(PopJournal.Ack(key, offset));
            dropped++;
        }

        if (dropped > 0)
        {
            _logger.LogInformation(
                "Group {Group} is done with {Count} unacked message(s) of {Topic} queue {QueueId}: retention deleted them (the queue now starts at offset {MinOffset})",
                key.Group, dropped, key.Topic, key.QueueId, min);
        }
    }

    private bool TryGetState(string group, ReceiptHandle handle, out ConsumerQueueState state)
    {
        state = null!;
        return handle.BrokerName == _config.BrokerName && _states.TryGetValue(new(group, handle.Topic, handle.QueueId), out state!);
    }

    private ConsumerQueueState GetOrCreateState(ConsumerQueueKey key) =>
        _states.GetOrAdd(key, k => new ConsumerQueueState(k, _store.GetMinOffset(k.Topic, k.QueueId)));

    private long NowMillis() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Recover()
    {
        var records = 0;
        foreach (var record in _journal.Replay())
        {
            records++;
            var state = _states.GetOrAdd(record.Key, k => new ConsumerQueueState(k, 0));
            switch (record.Kind)
            {
                case 'P':
                    state.InFlight[record.Offset] = new InFlightMessage(record.Attempt, record.VisibleAt, record.PopTime);
                    state.NextOffset = Math.Max(state.NextOffset, record.Offset + 1);
                    break;
                case 'A':
                    state.InFlight.Remove(record.Offset);
                    break;
                case 'N':
                    state.NextOffset = Math.Max(state.NextOffset, record.Offset);
                    break;
            }
        }

        if (records > 0)
        {
            _logger.LogInformation("Recovered consumer progress of {Queues} group queues from {Records} journal records", _states.Count, records);
        }
    }

    private IEnumerable<string> Snapshot()
    {
        foreach (var state in _states.Values)
        {
            var lines = new List<string>();
            lock (state.Gate)
            {
                lines.Add(PopJournal.Next(state.Key, state.NextOffset));
                foreach (var (offset, inFlight) in state.InFlight)
                {
                    lines.Add(PopJournal.Pop(state.Key, offset, inFlight.Attempt, inFlight.VisibleAt, inFlight.PopTime));
                }
            }

            foreach (var line in lines)
            {
                yield return line;
            }
        }
    }
}
