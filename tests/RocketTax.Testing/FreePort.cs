using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RocketTax.Ports;

namespace RocketTax.Testing;

/// <summary>
/// Hands out loopback TCP ports nobody listens on, so parallel tests never share a broker port. A port is
/// released before the process that will listen on it binds it, so three guards close that window: ports are
/// taken below the OS's ephemeral range (outgoing connections never pick them), each port is handed out once
/// per test process, and a lock file reserves it against other test processes for this process's life.
/// The launchers retry with fresh ports if a bind still fails.
/// </summary>
public static class FreePort
{
    private const int LowestPort = 10_000;
    private const int MaxAttempts = 200;

    // Process-wide on purpose: the reservation must span every fixture of the test run.
    private static readonly ConcurrentDictionary<int, FileStream?> Reserved = new();
    private static readonly string LockDir = Path.Combine(Path.GetTempPath(), "rockettax-ports");

    /// <summary>Where the OS's ephemeral port range starts, or null where it does not say; <see cref="Next"/> hands out ports below it.</summary>
    public static int? EphemeralRangeStart => EphemeralPorts.RangeStart();

    /// <summary>A port free now and reserved for this process: never handed out again, here or to another test process.</summary>
    public static int Next()
    {
        var below = EphemeralPorts.RangeStart() ?? 0;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var port = below > LowestPort + 1_000 ? Random.Shared.Next(LowestPort, below) : AskOs();
            if (Reserved.ContainsKey(port) || !CanBind(port) || !TryLockAcrossProcesses(port, out var lockFile))
            {
                continue;
            }

            if (Reserved.TryAdd(port, lockFile))
            {
                return port;
            }

            lockFile?.Dispose();
        }

        throw new InvalidOperationException($"No free loopback port found in {MaxAttempts} attempts.");
    }

    /// <summary>True when <paramref name="port"/> was handed out by <see cref="Next"/> in this process.</summary>
    public static bool IsReserved(int port) => Reserved.ContainsKey(port);

    private static int AskOs()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool TryLockAcrossProcesses(int port, out FileStream? lockFile)
    {
        lockFile = null;
        try
        {
            Directory.CreateDirectory(LockDir);
            // FileShare.None takes an exclusive OS lock, dropped by the OS when this process ends, however it ends.
            lockFile = new FileStream(Path.Combine(LockDir, port.ToString(CultureInfo.InvariantCulture) + ".lock"),
                FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            // A lock dir we cannot write still leaves the in-process reservation and the bind retry.
            return true;
        }
    }
}
