using Microsoft.Win32.SafeHandles;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>A store file named after its first offset, remembering whether it was written since its last fsync.</summary>
internal abstract class StoreFile(string path, long startOffset, SafeFileHandle handle) : IDisposable
{
    private int _dirty;

    public string Path { get; } = path;

    public long StartOffset { get; } = startOffset;

    public SafeFileHandle Handle { get; } = handle;

    /// <summary>Records that bytes were written since the last fsync (called after the write returned).</summary>
    public void MarkDirty() => Volatile.Write(ref _dirty, 1);

    /// <summary>Fsyncs the file if anything was written since the last fsync; a write racing with this stays dirty.</summary>
    public void FlushIfDirty()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        FlushToDisk();
    }

    /// <summary>Fsyncs now, whatever the dirty flag says: SYNC_FLUSH must not trust a concurrent flush still in progress.</summary>
    public void Flush()
    {
        Volatile.Write(ref _dirty, 0);
        FlushToDisk();
    }

    public void Dispose() => Handle.Dispose();

    private void FlushToDisk()
    {
        try
        {
            RandomAccess.FlushToDisk(Handle);
        }
        catch
        {
            // Still dirty: the next flush tries again, and the caller learns this one failed.
            Volatile.Write(ref _dirty, 1);
            throw;
        }
    }
}
