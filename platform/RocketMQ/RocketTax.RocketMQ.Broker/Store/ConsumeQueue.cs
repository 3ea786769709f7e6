using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>The index of one topic queue: queue offset → (commit-log offset, size, tag hash), in 20-byte entries.</summary>
/// <remarks>
/// Entry layout, little-endian: commitLogOffset int64, size int32, tagHashCode int64. Entry <c>n</c> lives in the
/// file starting at <c>n / entriesPerFile * entriesPerFile</c>, at byte <c>(n - fileStart) * 20</c>, so a queue
/// that starts above 0 (its head expired, then it was rebuilt) has a zero-filled hole before its first entry.
/// The appender is the only writer (<see cref="AssignOffset"/> .. <see cref="WritePending"/>); readers see entries
/// below <see cref="MaxOffset"/>, which is published only after the bytes are written.
/// </remarks>
internal sealed class ConsumeQueue : IDisposable
{
    public const int EntrySize = 20;

    private readonly string _directory;
    private readonly int _entriesPerFile;
    private readonly Lock _filesLock = new();
    private ConsumeQueueFile[] _files;
    private long _minOffset;
    private long _maxOffset;

    // Appender-only state: offsets handed out and entries encoded but not yet written/published.
    private long _nextOffset;
    private byte[] _pending = new byte[EntrySize * 16];
    private int _pendingCount;
    private long _pendingFirstOffset;

    private ConsumeQueue(string directory, string topic, int queueId, int entriesPerFile, ConsumeQueueFile[] files, long minOffset, long maxOffset)
    {
        _directory = directory;
        Topic = topic;
        QueueId = queueId;
        _entriesPerFile = entriesPerFile;
        _files = files;
        _minOffset = minOffset;
        _maxOffset = maxOffset;
        _nextOffset = maxOffset;
    }

    public string Topic { get; }

    public int QueueId { get; }

    /// <summary>The first readable queue offset.</summary>
    public long MinOffset => Volatile.Read(ref _minOffset);

    /// <summary>One past the last readable queue offset.</summary>
    public long MaxOffset => Volatile.Read(ref _maxOffset);

    /// <summary>The queue offset the appender hands out next (appender only).</summary>
    public long NextOffset => _nextOffset;

    /// <summary>True when entries were added since the last <see cref="WritePending"/> (appender only).</summary>
    public bool HasPending => _pendingCount > 0;

    /// <summary>Entries added since the last <see cref="WritePending"/> (appender only).</summary>
    public int PendingCount => _pendingCount;

    public static string DirectoryOf(string consumeQueueRoot, string topic, int queueId) =>
        Path.Combine(consumeQueueRoot, topic, queueId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Opens the queue's files (creating the folder), dropping a torn trailing entry.</summary>
    public static ConsumeQueue Open(string consumeQueueRoot, string topic, int queueId, int entriesPerFile)
    {
        var directory = DirectoryOf(consumeQueueRoot, topic, queueId);
        Directory.CreateDirectory(directory);
        var starts = new List<long>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var byteOffset)
                && byteOffset % EntrySize == 0)
            {
                starts.Add(byteOffset / EntrySize);
            }
        }

        starts.Sort();
        var files = new ConsumeQueueFile[starts.Count];
        for (var i = 0; i < starts.Count; i++)
        {
            var path = Path.Combine(directory, ConsumeQueueFile.FileNameOf(starts[i]));
            files[i] = new ConsumeQueueFile(path, starts[i], CommitLog.OpenFile(path));
        }

        long min = 0, max = 0;
        if (files.Length > 0)
        {
            var last = files[^1];
            var length = RandomAccess.GetLength(last.Handle);
            var entries = Math.Min(length / EntrySize, entriesPerFile);
            if (length != entries * EntrySize)
            {
                // A torn trailing entry from a crash mid-write: the commit log still has the message, and
                // recovery re-dispatches it.
                RandomAccess.SetLength(last.Handle, entries * EntrySize);
            }

            min = files[0].StartOffset;
            max = last.StartOffset + entries;
        }

        return new ConsumeQueue(directory, topic, queueId, entriesPerFile, files, min, max);
    }

    /// <summary>Reads entries from <paramref name="fromOffset"/> (raised to the min offset) into <paramref name="destination"/>.</summary>
    public int Read(long fromOffset, Span<ConsumeQueueEntry> destination)
    {
        var max = MaxOffset;
        var offset = Math.Max(fromOffset, MinOffset);
        if (offset >= max || destination.IsEmpty)
        {
            return 0;
        }

        var count = (int)Math.Min(destination.Length, max - offset);
        var buffer = ArrayPool<byte>.Shared.Rent(count * EntrySize);
        try
        {
            var done = 0;
            var files = Volatile.Read(ref _files);
            while (done < count)
            {
                var file = FindFile(files, offset);
                if (file is null)
                {
                    break;
                }

                var inFile = (int)Math.Min(count - done, file.StartOffset + _entriesPerFile - offset);
                var bytes = buffer.AsSpan(0, inFile * EntrySize);
                int read;
                try
                {
                    read = RandomAccess.Read(file.Handle, bytes, (offset - file.StartOffset) * EntrySize) / EntrySize;
                }
                catch (ObjectDisposedException)
                {
                    // The file was deleted by retention while we read: what we have so far is still right.
                    break;
                }

                for (var i = 0; i < read; i++)
                {
                    destination[done + i] = ParseEntry(bytes[(i * EntrySize)..], offset + i);
                }

                done += read;
                offset += read;
                if (read < inFile)
                {
                    break;
                }
            }

            return done;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hands out the next queue offset (appender only).</summary>
    public long AssignOffset() => _nextOffset++;

    /// <summary>Encodes an entry for the next <see cref="WritePending"/>; non-contiguous offsets flush what is pending first.</summary>
    public void AddPending(long queueOffset, long commitLogOffset, int size, long tagHashCode)
    {
        if (_pendingCount > 0 && queueOffset != _pendingFirstOffset + _pendingCount)
        {
            WritePending();
        }

        if (_pendingCount == 0)
        {
            _pendingFirstOffset = queueOffset;
        }

        var position = _pendingCount * EntrySize;
        if (position + EntrySize > _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2);
        }

        var span = _pending.AsSpan(position, EntrySize);
        BinaryPrimitives.WriteInt64LittleEndian(span, commitLogOffset);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], size);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], tagHashCode);
        _pendingCount++;
    }

    /// <summary>Writes the pending entries with one write per file they fall into (appender only).</summary>
    public void WritePending()
    {
        var offset = _pendingFirstOffset;
        var written = 0;
        try
        {
            while (written < _pendingCount)
            {
                var fileStart = offset / _entriesPerFile * _entriesPerFile;
                var file = GetOrCreateFile(fileStart);
                var inFile = (int)Math.Min(_pendingCount - written, fileStart + _entriesPerFile - offset);
                RandomAccess.Write(file.Handle, _pending.AsSpan(written * EntrySize, inFile * EntrySize), (offset - fileStart) * EntrySize);
                file.MarkDirty();
                written += inFile;
                offset += inFile;
            }
        }
        finally
        {
            _pendingCount = 0;
        }
    }

    /// <summary>
    /// Makes the offsets below <paramref name="maxOffset"/> readable, once their entries are written (and, under
    /// SYNC_FLUSH, their messages fsynced): by the appender or the store's group commit, never both at once.
    /// </summary>
    public void Publish(long maxOffset) => Volatile.Write(ref _maxOffset, maxOffset);

    /// <summary>Forgets the offsets handed out from <paramref name="nextOffset"/> on, after a failed write or fsync (appender only).</summary>
    public void Rollback(long nextOffset)
    {
        _nextOffset = nextOffset;
        _pendingCount = 0;
    }

    /// <summary>Starts an empty queue at <paramref name="offset"/> (recovery, when the head of the queue expired).</summary>
    public void ResetEmpty(long offset)
    {
        _nextOffset = offset;
        Volatile.Write(ref _minOffset, offset);
        Volatile.Write(ref _maxOffset, offset);
    }

    /// <summary>Moves the next offset forward over a gap (recovery only).</summary>
    public void SkipTo(long offset)
    {
        if (_pendingCount > 0)
        {
            WritePending();
        }

        _nextOffset = offset;
    }

    /// <summary>Reads one entry, or null when it is not on disk.</summary>
    public ConsumeQueueEntry? ReadEntry(long queueOffset)
    {
        var file = FindFile(Volatile.Read(ref _files), queueOffset);
        if (file is null)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[EntrySize];
        try
        {
            var read = RandomAccess.Read(file.Handle, bytes, (queueOffset - file.StartOffset) * EntrySize);
            return read == EntrySize ? ParseEntry(bytes, queueOffset) : null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Drops trailing entries that point at or beyond <paramref name="commitLogEnd"/> or are zero-filled (recovery only).
    /// </summary>
    /// <returns>How many entries were dropped.</returns>
    public long TruncateBeyond(long commitLogEnd)
    {
        var max = MaxOffset;
        var min = MinOffset;
        var newMax = max;
        while (newMax > min)
        {
            var entry = ReadEntry(newMax - 1);
            if (entry is { Size: > 0 } e && e.CommitLogOffset + e.Size <= commitLogEnd)
            {
                break;
            }

            newMax--;
        }

        if (newMax == max)
        {
            return 0;
        }

        lock (_filesLock)
        {
            var kept = new List<ConsumeQueueFile>(_files.Length);
            foreach (var file in _files)
            {
                if (file.StartOffset >= newMax && kept.Count > 0)
                {
                    file.Dispose();
                    File.Delete(file.Path);
                    continue;
                }

                var keep = Math.Clamp(newMax - file.StartOffset, 0, _entriesPerFile) * EntrySize;
                if (RandomAccess.GetLength(file.Handle) > keep)
                {
                    RandomAccess.SetLength(file.Handle, keep);
                    file.MarkDirty();
                }

                kept.Add(file);
            }

            Volatile.Write(ref _files, kept.ToArray());
        }

        _nextOffset = newMax;
        Volatile.Write(ref _maxOffset, newMax);
        if (newMax < min)
        {
            Volatile.Write(ref _minOffset, newMax);
        }

        return max - newMax;
    }

    /// <summary>The commit-log offset just past the last entry, or null for an empty queue.</summary>
    public long? LastEntryEnd()
    {
        var max = MaxOffset;
        if (max <= MinOffset)
        {
            return null;
        }

        var entry = ReadEntry(max - 1);
        return entry is { } e ? e.CommitLogOffset + e.Size : null;
    }

    /// <summary>Deletes files (never the last) whose entries all point below <paramref name="commitLogMinOffset"/>, then raises the min offset.</summary>
    /// <returns>How many files were deleted.</returns>
    public int DeleteFilesBelow(long commitLogMinOffset)
    {
        ConsumeQueueFile[] expired;
        lock (_filesLock)
        {
            var files = _files;
            var count = 0;
            while (count < files.Length - 1)
            {
                var last = ReadEntry(files[count].StartOffset + _entriesPerFile - 1);
                if (last is not { } entry || entry.CommitLogOffset >= commitLogMinOffset)
                {
                    break;
                }

                count++;
            }

            expired = files[..count];
            if (count > 0)
            {
                Volatile.Write(ref _files, files[count..]);
            }
        }

        CorrectMinOffset(commitLogMinOffset);
        foreach (var file in expired)
        {
            file.Dispose();
            File.Delete(file.Path);
        }

        return expired.Length;
    }

    /// <summary>Raises the min offset to the first entry that points at or above <paramref name="commitLogMinOffset"/>.</summary>
    public void CorrectMinOffset(long commitLogMinOffset)
    {
        var files = Volatile.Read(ref _files);
        var max = MaxOffset;
        var low = Math.Max(MinOffset, files.Length == 0 ? max : files[0].StartOffset);
        var high = max;
        // Entries grow with their commit-log offset; zero-filled holes (size 0) sort first, like expired ones.
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (ReadEntry(middle) is { Size: > 0 } entry && entry.CommitLogOffset >= commitLogMinOffset)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        if (low > MinOffset)
        {
            Volatile.Write(ref _minOffset, low);
        }
    }

    /// <summary>Fsyncs every file written since its last fsync.</summary>
    public void FlushDirty()
    {
        foreach (var file in Volatile.Read(ref _files))
        {
            try
            {
                file.FlushIfDirty();
            }
            catch (ObjectDisposedException)
            {
                // Deleted by retention since the snapshot.
            }
        }
    }

    public void Dispose()
    {
        lock (_filesLock)
        {
            foreach (var file in _files)
            {
                file.Dispose();
            }
        }
    }

    private static ConsumeQueueEntry ParseEntry(ReadOnlySpan<byte> bytes, long queueOffset) => new(
        queueOffset,
        BinaryPrimitives.ReadInt64LittleEndian(bytes),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(bytes[12..]));

    private ConsumeQueueFile? FindFile(ConsumeQueueFile[] files, long queueOffset)
    {
        for (var i = files.Length - 1; i >= 0; i--)
        {
            var file = files[i];
            if (queueOffset >= file.StartOffset)
            {
                return queueOffset < file.StartOffset + _entriesPerFile ? file : null;
            }
        }

        return null;
    }

    private ConsumeQueueFile GetOrCreateFile(long fileStart)
    {
        var files = Volatile.Read(ref _files);
        if (files.Length > 0 && files[^1].StartOffset == fileStart)
        {
            return files[^1];
        }

        var existing = FindFile(files, fileStart);
        if (existing is not null && existing.StartOffset == fileStart)
        {
            return existing;
        }

        var path = Path.Combine(_directory, ConsumeQueueFile.FileNameOf(fileStart));
        Directory.CreateDirectory(_directory);
        var file = new ConsumeQueueFile(path, fileStart, CommitLog.OpenFile(path));
        lock (_filesLock)
        {
            ConsumeQueueFile[] grown = [.. _files, file];
            // Normally the new file is the last; a queue restarted below its old files (recovery) inserts earlier.
            Array.Sort(grown, static (a, b) => a.StartOffset.CompareTo(b.StartOffset));
            Volatile.Write(ref _files, grown);
        }

        return file;
    }
}
