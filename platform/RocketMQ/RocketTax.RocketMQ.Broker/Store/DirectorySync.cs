using System.Runtime.InteropServices;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>
/// Fsyncs a directory, which makes the names created, renamed or deleted in it durable (a file's own fsync covers its
/// content, not its name). .NET opens no directory as a file, so this calls the C library directly.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int CloseOnExecLinux = 0x80000; // O_CLOEXEC: a process started meanwhile does not inherit the descriptor
    private const int InvalidArgument = 22; // EINVAL, the same on Linux and macOS

    /// <summary>Fsyncs <paramref name="directory"/> on Linux and macOS; nothing on Windows, where NTFS journals renames itself.</summary>
    /// <exception cref="IOException">The directory could not be opened or fsynced.</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(directory, OperatingSystem.IsLinux() ? ReadOnly | CloseOnExecLinux : ReadOnly);
        if (descriptor < 0)
        {
            throw Failed("open", directory);
        }

        try
        {
            // EINVAL: the file system cannot sync a directory (some network and virtual ones); nothing more can be done.
            if (Fsync(descriptor) != 0 && Marshal.GetLastPInvokeError() != InvalidArgument)
            {
                throw Failed("fsync", directory);
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static IOException Failed(string call, string directory) =>
        new($"{call} of directory '{directory}' failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
