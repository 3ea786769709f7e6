using System.Buffers;
using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>The ordered set of commit-log segment files: lookup by offset, roll-over, scanning, truncation and deletion.</summary>
/// <remarks>
/// Only the appender adds segments and only recovery and retention remove them; readers work on an immutable
/// snapshot of the segment array, so a read never takes a lock. A reader racing with deletion sees a closed handle
/// and reports the message as gone.
/// </remarks>
internal sealed class CommitLog : IDisposable
{
    private const int ScanWindowSize = 1024 * 1024;

    private readonly string _directory;
    private readonly int _segmentSize;
    private readonly Lock _segmentsLock = new();
    private CommitLogSegment[] _segments;

    private CommitLog(string directory, int segmentSize, CommitLogSegment[] segments)
    {
        _directory = directory;
        _segmentSize = segmentSize;
        _segments = segments;
    }

    /// <summary>The segments, oldest first; an immutable snapshot.</summary>
    public CommitLogSegment[] Segments => Volatile.Read(ref _segments);

    /// <summary>The first commit-log offset still on disk.</summary>
    public long MinOffset
    {
        get
        {
            var segments = Segments;
            return segments.Length == 0 ? 0 : segments[0].StartOffset;
        }
    }

    public static CommitLog Open(string directory, int segmentSize)
    {
        Directory.CreateDirectory(directory);
        var starts = new List<long>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            {
                starts.Add(start);
            }
        }

        starts.Sort();
        var segments = new CommitLogSegment[starts.Count];
        for (var i = 0; i < starts.Count; i++)
        {
            var path = Path.Combine(directory, CommitLogSegment.FileNameOf(starts[i]));
            var handle = OpenFile(path);
            // A segment's capacity is fixed when it is created; the gap to the next name keeps older segments
            // readable even if mappedFileSizeCommitLog was changed since.
            long capacity = i + 1 < starts.Count
                ? starts[i + 1] - starts[i]
                : Math.Max(segmentSize, RandomAccess.GetLength(handle));
            segments[i] = new CommitLogSegment(path, starts[i], (int)Math.Min(capacity, int.MaxValue), handle);
        }

        return new CommitLog(directory, segmentSize, segments);
    }

    /// <summary>The segment holding <paramref name="offset"/>, or null when it was deleted or not created yet.</summary>
    public CommitLogSegment? FindSegment(long offset)
    {
        var segments = Segments;
        var index = IndexOf(segments, offset);
        return index < 0 ? null : segments[index];
    }

    /// <summary>Returns the last segment when it starts at <paramref name="startOffset"/>, else creates that segment (appender only).</summary>
    public CommitLogSegment GetOrCreateSegment(long startOffset)
    {
        var segments = Segments;
        if (segments.Length > 0 && segments[^1].StartOffset == startOffset)
        {
            return segments[^1];
        }

        var path = Path.Combine(_directory, CommitLogSegment.FileNameOf(startOffset));
        var segment = new CommitLogSegment(path, startOffset, _segmentSize, OpenFile(path));
        lock (_segmentsLock)
        {
            Volatile.Write(ref _segments, [.. _segments, segment]);
        }

        return segment;
    }

    /// <summary>Reads bytes at a commit-log offset within one segment; returns how many were read (0 when the segment is gone).</summary>
    public int Read(long offset, Span<byte> destination)
    {
        var segment = FindSegment(offset);
        if (segment is null)
        {
            return 0;
        }

        var available = segment.EndOffset - offset;
        if (destination.Length > available)
        {
            destination = destination[..(int)available];
        }

        try
        {
            return ReadFully(segment, destination, offset - segment.StartOffset);
        }
        catch (ObjectDisposedException)
        {
            // Retention deleted the segment while we were reading: the message is gone.
            return 0;
        }
    }

    /// <summary>
    /// Walks entries from <paramref name="from"/> (an entry boundary), validating size, magic, offset and CRC, and calls
    /// <paramref name="visitor"/> for each valid one. Returns the offset of the first byte that is not a valid entry:
    /// the end of the log when nothing is damaged.
    /// </summary>
    public long Scan(long from, CommitLogEntryVisitor? visitor)
    {
        var segments = Segments;
        var index = IndexOf(segments, from);
        if (index < 0)
        {
            return from;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ScanWindowSize);
        try
        {
            var position = from - segments[index].StartOffset;
            while (true)
            {
                var segment = segments[index];
                var fileLength = RandomAccess.GetLength(segment.Handle);
                long windowStart = 0;
                var windowLength = 0;
                while (true)
                {
                    if (position + CommitLogEntryCodec.BlankLength > fileLength
                        || !EnsureWindow(segment, position, CommitLogEntryCodec.BlankLength, ref buffer, ref windowStart, ref windowLength))
                    {
                        return segment.StartOffset + position;
                    }

                    var header = buffer.AsSpan((int)(position - windowStart), CommitLogEntryCodec.BlankLength);
                    var size = CommitLogEntryCodec.ReadTotalSize(header);
                    var magic = CommitLogEntryCodec.ReadMagic(header);
                    if (magic == CommitLogEntryCodec.BlankMagic)
                    {
                        if (size != segment.Capacity - position)
                        {
                            return segment.StartOffset + position;
                        }

                        if (index + 1 == segments.Length)
                        {
                            return segment.EndOffset;
                        }

                        if (segments[index + 1].StartOffset != segment.EndOffset)
                        {
                            return segment.StartOffset + position;
                        }

                        index++;
                        position = 0;
                        break;
                    }

                    if (magic != CommitLogEntryCodec.MessageMagic
                        || size < CommitLogEntryCodec.MinEntryLength
                        || position + size + CommitLogEntryCodec.BlankLength > segment.Capacity
                        || position + size > fileLength
                        || !EnsureWindow(segment, position, size, ref buffer, ref windowStart, ref windowLength))
                    {
                        return segment.StartOffset + position;
                    }

                    var entry = buffer.AsSpan((int)(position - windowStart), size);
                    if (!CommitLogEntryCodec.IsValid(entry, segment.StartOffset + position))
                    {
                        return segment.StartOffset + position;
                    }

                    visitor?.Invoke(entry, segment.StartOffset + position);
                    position += size;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Cuts the log at <paramref name="end"/>: shortens the segment holding it and deletes later segments (recovery, or
    /// the appender after an fsync failed; nothing reads at or past <paramref name="end"/> then).
    /// </summary>
    /// <returns>Bytes dropped and segment files deleted.</returns>
    public (long BytesDropped, int SegmentsDeleted) TruncateAt(long end)
    {
        lock (_segmentsLock)
        {
            var kept = new List<CommitLogSegment>(_segments.Length);
            long dropped = 0;
            var deleted = 0;
            foreach (var segment in _segments)
            {
                var length = RandomAccess.GetLength(segment.Handle);
                if (segment.StartOffset > end || (segment.StartOffset == end && kept.Count > 0))
                {
                    dropped += length;
                    deleted++;
                    segment.Dispose();
                    File.Delete(segment.Path);
                    continue;
                }

                var keep = end - segment.StartOffset;
                if (length > keep)
                {
                    dropped += length - keep;
                    RandomAccess.SetLength(segment.Handle, keep);
                    RandomAccess.FlushToDisk(segment.Handle);
                }

                kept.Add(segment);
            }

            Volatile.Write(ref _segments, kept.ToArray());
            if (deleted > 0)
            {
                // Deleted names come back after a power loss unless their directory is flushed; recovery would then
                // read on into segments this cut dropped.
                DirectorySync.Flush(_directory);
            }

            return (dropped, deleted);
        }
    }

    /// <summary>Deletes segments, oldest first, last written before <paramref name="cutoffUtc"/>; never the last (active) one.</summary>
    /// <returns>How many segments were deleted.</returns>
    public int DeleteExpired(DateTime cutoffUtc)
    {
        CommitLogSegment[] expired;
        lock (_segmentsLock)
        {
            var segments = _segments;
            var count = 0;
            // Stop at the first young segment so the remaining log stays contiguous.
            while (count < segments.Length - 1 && File.GetLastWriteTimeUtc(segments[count].Path) < cutoffUtc)
            {
                count++;
            }

            if (count == 0)
            {
                return 0;
            }

            expired = segments[..count];
            Volatile.Write(ref _segments, segments[count..]);
        }

        foreach (var segment in expired)
        {
            segment.Dispose();
            File.Delete(segment.Path);
        }

        return expired.Length;
    }

    /// <summary>Fsyncs every segment written since its last fsync.</summary>
    public void FlushDirty()
    {
        foreach (var segment in Segments)
        {
            try
            {
                segment.FlushIfDirty();
            }
            catch (ObjectDisposedException)
            {
                // Deleted by retention since the snapshot: nothing left to make durable.
            }
        }
    }

    public void Dispose()
    {
        lock (_segmentsLock)
        {
            foreach (var segment in _segments)
            {
                segment.Dispose();
            }
        }
    }

    internal static Microsoft.Win32.SafeHandles.SafeFileHandle OpenFile(string path) =>
        File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

    internal static int ReadFully(CommitLogSegment segment, Span<byte> destination, long fileOffset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = RandomAccess.Read(segment.Handle, destination[total..], fileOffset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static int IndexOf(CommitLogSegment[] segments, long offset)
    {
        int low = 0, high = segments.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var segment = segments[middle];
            if (offset < segment.StartOffset)
            {
                high = middle - 1;
            }
            else if (offset >= segment.EndOffset)
            {
                low = middle + 1;
            }
            else
            {
                return middle;
            }
        }

        return -1;
    }

    /// <summary>Makes bytes [position, position + count) of the segment available in the scan window.</summary>
    private static bool EnsureWindow(CommitLogSegment segment, long position, int count, ref byte[] buffer, ref long windowStart, ref int windowLength)
    {
        if (position >= windowStart && position + count <= windowStart + windowLength)
        {
            return true;
        }

        if (count > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(count);
        }

        windowStart = position;
        windowLength = ReadFully(segment, buffer, position);
        return windowLength >= count;
    }
}
