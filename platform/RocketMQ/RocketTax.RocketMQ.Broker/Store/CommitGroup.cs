using System.Runtime.InteropServices;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>
/// Puts whose bytes are written but not yet answered: the batch the appender just wrote, or, under SYNC_FLUSH, every
/// batch written while the last fsync ran, which the next fsync covers together (group commit).
/// </summary>
/// <remarks>Reused group after group, so the hot path does not allocate; one thread uses a group at a time.</remarks>
internal sealed class CommitGroup
{
    private readonly List<PutRequest> _requests = [];
    private readonly Dictionary<ConsumeQueue, long> _queueEnds = [];
    private readonly List<CommitLogSegment> _segments = [];

    /// <summary>The puts, in the order they were appended; a span, so the hot path enumerates without allocating.</summary>
    public ReadOnlySpan<PutRequest> Requests => CollectionsMarshal.AsSpan(_requests);

    /// <summary>The queues the puts went to.</summary>
    public Dictionary<ConsumeQueue, long>.KeyCollection Queues => _queueEnds.Keys;

    /// <summary>The commit-log offset just past the group's last entry.</summary>
    public long EndOffset { get; private set; }

    /// <summary>Messages of the group's puts.</summary>
    public int MessageCount { get; private set; }

    /// <summary>Commit-log bytes written, blank end-of-segment markers included.</summary>
    public long Bytes { get; private set; }

    public bool IsEmpty => _requests.Count == 0;

    public void Add(PutRequest request)
    {
        _requests.Add(request);
        MessageCount += request.Results.Length;
    }

    /// <summary>Records what the appender wrote for the group's puts.</summary>
    public void Written(List<CommitLogWrite> writes, long endOffset, long bytes)
    {
        foreach (var write in writes)
        {
            AddSegment(write.Segment);
        }

        EndOffset = endOffset;
        Bytes += bytes;
    }

    /// <summary>Records that <paramref name="queue"/>'s entries below <paramref name="endOffset"/> belong to the group (or an earlier one).</summary>
    public void AddQueueEnd(ConsumeQueue queue, long endOffset) => _queueEnds[queue] = endOffset;

    /// <summary>Takes over a later group's puts, so that they are answered together with this group's.</summary>
    public void Absorb(CommitGroup later)
    {
        _requests.AddRange(later._requests);
        foreach (var (queue, end) in later._queueEnds)
        {
            _queueEnds[queue] = end;
        }

        foreach (var segment in later._segments)
        {
            AddSegment(segment);
        }

        EndOffset = later.EndOffset;
        MessageCount += later.MessageCount;
        Bytes += later.Bytes;
    }

    /// <summary>Fsyncs every commit-log segment the group wrote to.</summary>
    public void SyncSegments()
    {
        foreach (var segment in _segments)
        {
            segment.Flush();
        }
    }

    /// <summary>Makes the group's consume-queue entries readable.</summary>
    public void PublishQueues()
    {
        foreach (var (queue, end) in _queueEnds)
        {
            queue.Publish(end);
        }
    }

    public void Complete()
    {
        foreach (var request in _requests)
        {
            request.TrySetResult(request.Results);
        }
    }

    public void Fail(Exception error)
    {
        foreach (var request in _requests)
        {
            request.TrySetException(error);
        }
    }

    public void Clear()
    {
        _requests.Clear();
        _queueEnds.Clear();
        _segments.Clear();
        EndOffset = 0;
        MessageCount = 0;
        Bytes = 0;
    }

    private void AddSegment(CommitLogSegment segment)
    {
        if (!_segments.Contains(segment))
        {
            _segments.Add(segment);
        }
    }
}
