using Microsoft.Win32.SafeHandles;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>One commit-log file, named after the commit-log offset of its first byte (RocketMQ's MappedFile).</summary>
internal sealed class CommitLogSegment : IDisposable
{
    private int _dirty;

    public CommitLogSegment(string path, long startOffset, int capacity, SafeFileHandle handle)
    {
        Path = path;
        StartOffset = startOffset;
        Capacity = capacity;
        Handle = handle;
    }

    public string Path { get; }

    public long StartOffset { get; }

    public int Capacity { get; }

    public long EndOffset => StartOffset + Capacity;

    public SafeFileHandle Handle { get; }

    public static string FileNameOf(long startOffset) => startOffset.ToString("D20", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Records that bytes were written since the last fsync (called after the write returned).</summary>
    public void MarkDirty() => Volatile.Write(ref _dirty, 1);

    /// <summary>Fsyncs the file if anything was written since the last fsync; a write racing with this stays dirty.</summary>
    public void FlushIfDirty()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        try
        {
            RandomAccess.FlushToDisk(Handle);
        }
        catch
        {
            Volatile.Write(ref _dirty, 1);
            throw;
        }
    }

    /// <summary>Fsyncs now, whatever the dirty flag says: SYNC_FLUSH must not trust a concurrent flush still in progress.</summary>
    public void Flush()
    {
        Volatile.Write(ref _dirty, 0);
        try
        {
            RandomAccess.FlushToDisk(Handle);
        }
        catch
        {
            Volatile.Write(ref _dirty, 1);
            throw;
        }
    }

    public void Dispose() => Handle.Dispose();
}
