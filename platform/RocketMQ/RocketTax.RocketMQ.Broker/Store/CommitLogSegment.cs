using Microsoft.Win32.SafeHandles;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>One commit-log file, named after the commit-log offset of its first byte (RocketMQ's MappedFile).</summary>
internal sealed class CommitLogSegment(string path, long startOffset, int capacity, SafeFileHandle handle)
    : StoreFile(path, startOffset, handle)
{
    public int Capacity { get; } = capacity;

    public long EndOffset => StartOffset + Capacity;

    public static string FileNameOf(long startOffset) => startOffset.ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
}
