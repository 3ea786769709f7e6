using System.Buffers.Binary;
using System.IO.Hashing;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>
/// A durable note that the commit log's bytes from an offset on belong to puts that were answered as failed: recovery
/// cuts the log there instead of recovering every valid entry it finds.
/// </summary>
/// <remarks>
/// <para>
/// A SYNC_FLUSH fsync that fails leaves its group's entries in the file, whole and with valid CRCs, past the committed
/// end. The appender cuts them off before it writes again, but until then a kill -9 would leave them for recovery,
/// which recovers valid entries: messages whose producers were told they failed (and who sent them again) would be
/// delivered after the restart. The fence is written, and fsynced, before those puts are answered, and removed only
/// once the appender has cut the log; recovery honours a fence it finds. Persisting the committed end after every
/// group commit would do the same at the cost of a second fsync per send; the fence costs nothing until an fsync fails.
/// </para>
/// <para>Layout: the offset (int64, little-endian) and a CRC-32 of it; replaced as an <see cref="AtomicFile"/>.</para>
/// </remarks>
internal static class CommitLogFence
{
    public const string FileName = "commitlog.fence";

    private const int Length = 12;

    /// <summary>Records that the log's bytes from <paramref name="offset"/> on must not be recovered.</summary>
    public static void Write(string path, long offset)
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, offset);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Crc32.HashToUInt32(bytes.AsSpan(0, 8)));
        AtomicFile.Write(path, file => file.Write(bytes));
    }

    /// <summary>The fenced offset; null when there is no fence (or a damaged one, which the rename leaves only to a damaged disk).</summary>
    public static long? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = File.ReadAllBytes(path);
        return bytes.Length == Length && BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]) == Crc32.HashToUInt32(bytes[..8])
            ? BinaryPrimitives.ReadInt64LittleEndian(bytes)
            : null;
    }

    /// <summary>Removes the fence once the log was cut at it, durably.</summary>
    /// <remarks>
    /// The removal must survive a power loss as the fence did: what is committed after the cut lies past the fenced
    /// offset, and a fence that came back would have recovery cut those acknowledged messages off.
    /// </remarks>
    public static void Remove(string path)
    {
        File.Delete(path);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
