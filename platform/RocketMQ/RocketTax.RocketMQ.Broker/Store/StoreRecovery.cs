using Microsoft.Extensions.Logging;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Brings the commit log and consume queues back to a consistent state when the store opens.</summary>
/// <remarks>
/// 1. Validate the commit log from the last segment (or the checkpoint, if earlier) and truncate at the first bad entry,
///    or at the fence of puts answered as failed (<see cref="CommitLogFence"/>) if that comes first.
/// 2. Drop consume-queue entries that point at or past the new end.
/// 3. Re-dispatch commit-log entries missing from their consume queue, starting where the checkpoint says the
///    queues were flushed, or earlier for a queue that is shorter than the checkpoint recorded (deleted or cut).
/// </remarks>
internal sealed class StoreRecovery
{
    private const int PendingEntriesPerWrite = 4096;

    private readonly CommitLog _commitLog;
    private readonly ConsumeQueueTable _queues;
    private readonly StoreCheckpoint? _checkpoint;
    private readonly long? _fence;
    private readonly ILogger _logger;
    private long _redispatched;

    public StoreRecovery(CommitLog commitLog, ConsumeQueueTable queues, StoreCheckpoint? checkpoint, long? fence, ILogger logger)
    {
        _commitLog = commitLog;
        _queues = queues;
        _checkpoint = checkpoint;
        _fence = fence;
        _logger = logger;
    }

    /// <summary>Runs recovery; returns the commit-log offset where appending continues.</summary>
    public long Run(CancellationToken cancellationToken)
    {
        var end = ValidateCommitLog();
        cancellationToken.ThrowIfCancellationRequested();

        var minOffset = _commitLog.MinOffset;
        _queues.LoadAll();
        foreach (var queue in _queues.Queues)
        {
            var dropped = queue.TruncateBeyond(end);
            if (dropped > 0)
            {
                _logger.ConsumeQueueTruncated(queue.Topic, queue.QueueId, queue.MaxOffset, dropped, end);
            }

            queue.CorrectMinOffset(minOffset);
        }

        var dispatchFrom = Math.Max(FindDispatchStart(end, minOffset), minOffset);
        cancellationToken.ThrowIfCancellationRequested();
        if (dispatchFrom < end)
        {
            var dispatchedTo = _commitLog.Scan(dispatchFrom, Dispatch);
            if (dispatchedTo < end)
            {
                _logger.RedispatchStopped(dispatchedTo, end);
            }
        }

        foreach (var queue in _queues.Queues)
        {
            if (queue.HasPending)
            {
                queue.WritePending();
            }

            queue.Publish(queue.NextOffset);
        }

        RestoreExpiredQueues();
        _logger.Recovered(minOffset, end, _queues.Keys.Count, _redispatched, dispatchFrom);
        return end;
    }

    private long ValidateCommitLog()
    {
        var segments = _commitLog.Segments;
        if (segments.Length == 0)
        {
            return 0;
        }

        // Everything below the checkpoint was fsynced; the last segment is where a crash can leave a torn tail.
        var from = segments[0].StartOffset;
        if (_checkpoint is not null)
        {
            var start = Math.Min(_checkpoint.CommitLogFlushedOffset, segments[^1].StartOffset);
            from = _commitLog.FindSegment(Math.Max(start, from))?.StartOffset ?? from;
        }

        var end = _commitLog.Scan(from, visitor: null);
        if (_fence < end)
        {
            // Valid entries, but of puts answered as failed: their producers sent them again.
            end = _fence.Value;
        }

        var (bytesDropped, segmentsDeleted) = _commitLog.TruncateAt(end);
        if (bytesDropped > 0 || segmentsDeleted > 0)
        {
            _logger.CommitLogTruncated(end, bytesDropped, segmentsDeleted);
        }

        return end;
    }

    private long FindDispatchStart(long end, long minOffset)
    {
        if (_checkpoint is null)
        {
            return minOffset;
        }

        var from = Math.Min(_checkpoint.ConsumeQueueFlushedOffset, end);
        foreach (var (topic, queueId, checkpointMax) in _checkpoint.Queues)
        {
            var exists = _queues.TryGet(topic, queueId, out var queue);
            var max = exists ? queue.MaxOffset : 0;
            if (max >= checkpointMax)
            {
                continue;
            }

            // Entries of one queue sit in commit-log order, so the missing ones all follow its last entry.
            var queueFrom = exists ? queue.LastEntryEnd() ?? minOffset : minOffset;
            _logger.ConsumeQueueBehind(topic, queueId, max, checkpointMax, queueFrom);
            from = Math.Min(from, queueFrom);
        }

        return from;
    }

    private void Dispatch(ReadOnlySpan<byte> entry, long offset)
    {
        var (topic, queueId, queueOffset, tagHashCode) = CommitLogEntryCodec.ReadDispatchInfo(entry);
        var queue = _queues.GetOrCreate(topic, queueId);
        var next = queue.NextOffset;
        if (queueOffset < next)
        {
            return;
        }

        if (queueOffset > next)
        {
            if (queue.MaxOffset == queue.MinOffset && !queue.HasPending)
            {
                // The queue's head expired with its segments: it restarts at its first surviving entry.
                queue.ResetEmpty(queueOffset);
            }
            else
            {
                _logger.ConsumeQueueGap(topic, queueId, next, queueOffset);
                queue.SkipTo(queueOffset);
            }
        }

        queue.AssignOffset();
        queue.AddPending(queueOffset, offset, entry.Length, tagHashCode);
        _redispatched++;
        if (queue.PendingCount >= PendingEntriesPerWrite)
        {
            queue.WritePending();
        }
    }

    /// <summary>A queue whose every entry expired keeps its offsets, so consumers do not see it restart at 0.</summary>
    private void RestoreExpiredQueues()
    {
        if (_checkpoint is null)
        {
            return;
        }

        foreach (var (topic, queueId, checkpointMax) in _checkpoint.Queues)
        {
            var queue = _queues.GetOrCreate(topic, queueId);
            if (queue.MaxOffset == queue.MinOffset && queue.MaxOffset < checkpointMax)
            {
                // Handing out old offsets again would make consumers whose offset is past them skip new messages.
                queue.ResetEmpty(checkpointMax);
            }
        }
    }
}
