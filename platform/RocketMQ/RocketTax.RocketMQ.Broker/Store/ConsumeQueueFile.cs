using Microsoft.Win32.SafeHandles;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>One consume-queue file: a fixed number of 20-byte entries, named after its first entry's byte offset.</summary>
internal sealed class ConsumeQueueFile : IDisposable
{
    private int _dirty;

    public ConsumeQueueFile(string path, long startOffset, SafeFileHandle handle)
    {
        Path = path;
        StartOffset = startOffset;
        Handle = handle;
    }

    public string Path { get; }

    /// <summary>Queue offset of the file's first entry slot.</summary>
    public long StartOffset { get; }

    public SafeFileHandle Handle { get; }

    /// <summary>RocketMQ names consume-queue files by byte offset (queue offset × 20), zero-padded to 20 digits.</summary>
    public static string FileNameOf(long startQueueOffset) =>
        (startQueueOffset * ConsumeQueue.EntrySize).ToString("D20", System.Globalization.CultureInfo.InvariantCulture);

    public void MarkDirty() => Volatile.Write(ref _dirty, 1);

    /// <summary>Fsyncs the file if anything was written since the last fsync.</summary>
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

    public void Dispose() => Handle.Dispose();
}
