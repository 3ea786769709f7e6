namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>A contiguous slice of the batch buffer destined for one segment: one write syscall.</summary>
internal readonly record struct CommitLogWrite(CommitLogSegment Segment, long FilePosition, int BufferStart, int Length);
