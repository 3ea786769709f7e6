using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>What is known to be on disk: where recovery may start, and each queue's length at that point.</summary>
/// <remarks>
/// File layout, little-endian: magic int32, version int32, commitLogFlushedOffset int64, consumeQueueFlushedOffset int64,
/// timestamp int64 (ms), queueCount int32, then per queue: topic (int32 byte length + UTF-8), queueId int32,
/// maxOffset int64; last a CRC-32 of everything before it. Replaced as an <see cref="AtomicFile"/>, so a crash
/// leaves either the old or the new checkpoint. The queue table lets recovery notice a consume
/// queue that was deleted or cut short while the broker was down.
/// </remarks>
/// <param name="CommitLogFlushedOffset">Commit-log bytes below this offset were fsynced.</param>
/// <param name="ConsumeQueueFlushedOffset">Consume-queue entries for every commit-log entry below this offset were fsynced.</param>
/// <param name="Timestamp">When the checkpoint was taken, ms since the Unix epoch.</param>
/// <param name="Queues">Each queue's max offset at <paramref name="ConsumeQueueFlushedOffset"/>.</param>
internal sealed record StoreCheckpoint(
    long CommitLogFlushedOffset,
    long ConsumeQueueFlushedOffset,
    long Timestamp,
    IReadOnlyList<(string Topic, int QueueId, long MaxOffset)> Queues)
{
    private const int Magic = 0x5254434B; // "RTCK"
    private const int Version = 1;
    private const int HeaderLength = 36;

    /// <summary>Reads the checkpoint; null when it is missing or damaged (recovery then scans the whole commit log).</summary>
    public static StoreCheckpoint? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderLength + 4
            || BinaryPrimitives.ReadInt32LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]) != Version
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]) != Crc32.HashToUInt32(bytes[..^4]))
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[32..]);
        var queues = new List<(string, int, long)>(Math.Max(count, 0));
        var position = HeaderLength;
        for (var i = 0; i < count; i++)
        {
            var topicLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
            var topic = Encoding.UTF8.GetString(bytes.Slice(position + 4, topicLength));
            position += 4 + topicLength;
            queues.Add((topic, BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[(position + 4)..])));
            position += 12;
        }

        return new StoreCheckpoint(
            BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]),
            queues);
    }

    /// <summary>Replaces the checkpoint file atomically and durably.</summary>
    /// <remarks>
    /// The most frequent of the broker's replaced files: by the flush thread at most once per flush interval (500 ms by
    /// default) in which something was committed. A lost rename would only make recovery start at the older checkpoint,
    /// but its directory fsync (a few ms, measured ~4 ms) is paid on that thread, beside the fsyncs of the commit log
    /// and consume queues it follows, never by a request; one rule for every replaced file is worth that.
    /// </remarks>
    public void Write(string path)
    {
        var length = HeaderLength + 4;
        foreach (var (topic, _, _) in Queues)
        {
            length += 16 + Encoding.UTF8.GetByteCount(topic);
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], CommitLogFlushedOffset);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], ConsumeQueueFlushedOffset);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], Timestamp);
        BinaryPrimitives.WriteInt32LittleEndian(span[32..], Queues.Count);
        var position = HeaderLength;
        foreach (var (topic, queueId, maxOffset) in Queues)
        {
            var topicLength = Encoding.UTF8.GetBytes(topic, span[(position + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[position..], topicLength);
            position += 4 + topicLength;
            BinaryPrimitives.WriteInt32LittleEndian(span[position..], queueId);
            BinaryPrimitives.WriteInt64LittleEndian(span[(position + 4)..], maxOffset);
            position += 12;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[position..], Crc32.HashToUInt32(span[..position]));

        AtomicFile.Write(path, file => file.Write(bytes));
    }
}
