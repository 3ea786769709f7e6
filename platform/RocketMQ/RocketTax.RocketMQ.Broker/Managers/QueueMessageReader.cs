using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// Reads, for a consumer group, the message a consume-queue entry points at: the one read every consumer path (POP,
/// 4.x <c>PULL_MESSAGE</c>, 5.x PullMessage) goes through. An entry whose message cannot be read is passed over by the
/// group for good, so it is said in the log, naming the queue offset and the commit-log position; at most
/// <see cref="WarningsPerMinute"/> such warnings a minute, the rest counted and their number said by the next one.
/// An entry whose message retention deleted is no damage: it is skipped with a debug line only.
/// </summary>
public sealed partial class QueueMessageReader(IMessageStore store, TimeProvider time, ILogger<QueueMessageReader> logger)
{
    /// <summary>Most unreadable-message warnings a minute, whatever the group or queue; enough to locate a damaged stretch.</summary>
    public const int WarningsPerMinute = 10;

    private readonly WarningThrottle _warnings = new(WarningsPerMinute, TimeSpan.FromMinutes(1), time);

    /// <summary>The message <paramref name="entry"/> of the group's queue points at, or null (and a warning) when it cannot be read.</summary>
    public StoredMessage? Read(string group, string topic, int queueId, in ConsumeQueueEntry entry)
    {
        if (store.ReadMessage(entry) is { } message)
        {
            return message;
        }

        // Retention deleted the message's segment after the caller found its entry (a queue's min offset follows the
        // commit log's a moment later): expected, not damage, so the group just goes on to the first message still stored.
        // A zero-filled hole (size 0) points at offset 0 and is damage, whatever the commit log's start.
        if (entry.Size > 0 && entry.CommitLogOffset < store.CommitLogMinOffset)
        {
            LogDeletedByRetention(group, topic, queueId, entry.QueueOffset, entry.CommitLogOffset);
            return null;
        }

        if (_warnings.TryEnter(out var heldBack, out var last, out var windowEnd))
        {
            // A message skipped in silence is a lost one nobody can trace.
            LogPassedOver(group, topic, queueId, entry.QueueOffset, entry.CommitLogOffset, entry.Size, heldBack);
            if (last)
            {
                LogThrottled(_warnings.Limit, windowEnd);
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Group {Group} skips {Topic} queue {QueueId} offset {Offset}: retention deleted the commit-log segment of its message at commit-log offset {CommitLogOffset}")]
    private partial void LogDeletedByRetention(string group, string topic, int queueId, long offset, long commitLogOffset);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Group {Group} passes over {Topic} queue {QueueId} offset {Offset}: its message at commit-log offset {CommitLogOffset} ({Size} bytes) cannot be read; {HeldBack} more passed over since the previous such warning were not logged")]
    private partial void LogPassedOver(string group, string topic, int queueId, long offset, long commitLogOffset, int size, long heldBack);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Limit} unreadable messages passed over within a minute: until {Until:O} more are counted, not logged each, and the next warning says how many")]
    private partial void LogThrottled(int limit, DateTimeOffset until);
}
