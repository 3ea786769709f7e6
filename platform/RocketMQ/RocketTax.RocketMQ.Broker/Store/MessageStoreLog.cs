using Microsoft.Extensions.Logging;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>The store's log messages, source-generated so the hot paths do not box or format when disabled.</summary>
internal static partial class MessageStoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Commit log truncated at offset {Offset}: dropped {BytesDropped} bytes of invalid or incomplete entries and deleted {SegmentsDeleted} later segment file(s); messages there were never acknowledged under SYNC_FLUSH, or were not yet flushed under ASYNC_FLUSH")]
    public static partial void CommitLogTruncated(this ILogger logger, long offset, long bytesDropped, int segmentsDeleted);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Consume queue {Topic}/{QueueId} truncated to max offset {MaxOffset}: dropped {Dropped} entries pointing at or beyond the commit-log end {CommitLogEnd}")]
    public static partial void ConsumeQueueTruncated(this ILogger logger, string topic, int queueId, long maxOffset, long dropped, long commitLogEnd);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Consume queue {Topic}/{QueueId} is behind the checkpoint ({MaxOffset} < {CheckpointMaxOffset} entries): rebuilding it from commit-log offset {From}")]
    public static partial void ConsumeQueueBehind(this ILogger logger, string topic, int queueId, long maxOffset, long checkpointMaxOffset, long from);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Message store recovered: commit log [{MinOffset}, {MaxOffset}), {Queues} consume queue(s), {Redispatched} entries re-dispatched from offset {DispatchFrom}")]
    public static partial void Recovered(this ILogger logger, long minOffset, long maxOffset, int queues, long redispatched, long dispatchFrom);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "No valid checkpoint in {Path}: validating and re-indexing the whole commit log")]
    public static partial void CheckpointMissing(this ILogger logger, string path);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error,
        Message = "Consume queues could not be rebuilt past commit-log offset {Offset} (log end {End}): the entry there is damaged")]
    public static partial void RedispatchStopped(this ILogger logger, long offset, long end);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Consume queue {Topic}/{QueueId} jumps from offset {Expected} to {Found} while rebuilding; entries in between are lost")]
    public static partial void ConsumeQueueGap(this ILogger logger, string topic, int queueId, long expected, long found);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error,
        Message = "Appending {Messages} message(s) failed; the puts were failed and nothing of them was made readable")]
    public static partial void AppendFailed(this ILogger logger, Exception exception, int messages);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error,
        Message = "Flushing the store to disk failed; will retry at the next flush interval")]
    public static partial void FlushFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error,
        Message = "A MessagesArrived handler threw for {Topic}/{QueueId}; handlers must not throw")]
    public static partial void ArrivalHandlerFailed(this ILogger logger, Exception exception, string topic, int queueId);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning,
        Message = "Commit-log entry at offset {Offset} failed its size, magic or CRC check; treating the message as unreadable ({HeldBack} more such reads since the previous warning were not logged)")]
    public static partial void CorruptEntry(this ILogger logger, long offset, long heldBack);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information,
        Message = "Deleted {Segments} expired commit-log segment(s) and {QueueFiles} consume-queue file(s); commit log now starts at {MinOffset}")]
    public static partial void SegmentsDeleted(this ILogger logger, int segments, int queueFiles, long minOffset);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error,
        Message = "An fsync failed and the commit log could not be fenced at offset {Offset}; until the failed messages' entries are cut off, a restart after a crash could deliver them")]
    public static partial void FenceFailed(this ILogger logger, Exception exception, long offset);

    [LoggerMessage(EventId = 16, Level = LogLevel.Error,
        Message = "Cutting the entries of failed sends off the commit log at offset {Offset} failed")]
    public static partial void CutFailed(this ILogger logger, Exception exception, long offset);
}
