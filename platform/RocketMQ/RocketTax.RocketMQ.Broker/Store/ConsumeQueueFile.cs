using Microsoft.Win32.SafeHandles;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>One consume-queue file: a fixed number of 20-byte entries, named after its first entry's byte offset.</summary>
/// <remarks><see cref="StoreFile.StartOffset"/> is the queue offset of the file's first entry slot.</remarks>
internal sealed class ConsumeQueueFile(string path, long startOffset, SafeFileHandle handle) : StoreFile(path, startOffset, handle)
{
    /// <summary>RocketMQ names consume-queue files by byte offset (queue offset × 20), zero-padded to 20 digits.</summary>
    public static string FileNameOf(long startQueueOffset) =>
        (startQueueOffset * ConsumeQueue.EntrySize).ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
}
