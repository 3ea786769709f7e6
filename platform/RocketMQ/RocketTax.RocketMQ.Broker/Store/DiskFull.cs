namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Tells a full disk apart from other I/O failures, so the refusal can say what to do about it.</summary>
public static class DiskFull
{
    private const int Enospc = 28;
    private const int WindowsDiskFull = 0x70;
    private const int WindowsHandleDiskFull = 0x27;

    /// <summary>True when <paramref name="exception"/> is ENOSPC (Unix) or ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL (Windows).</summary>
    public static bool Is(IOException exception) =>
        exception.HResult == Enospc || (exception.HResult & 0xFFFF) is WindowsDiskFull or WindowsHandleDiskFull && OperatingSystem.IsWindows();
}
