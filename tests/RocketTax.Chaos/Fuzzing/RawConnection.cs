using System.Net;
using System.Net.Sockets;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>
/// One hostile TCP conversation: connect, write the bytes, half-close, and read until the server closes.
/// The property every fuzzed wire surface must keep: the server answers (an error is fine) and closes
/// within the deadline, never hangs on a half-closed peer.
/// </summary>
public static class RawConnection
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Sends <paramref name="bytes"/> to the port and returns how many bytes came back before the server closed.</summary>
    public static async Task<int> ExchangeAsync(int port, ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        var received = 0;
        try
        {
            await stream.WriteAsync(bytes, timeout.Token);
            client.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received += read;
            }
        }
        catch (IOException)
        {
            // The server reset the connection: closed, which is an answer.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"port {port} neither answered nor closed the connection within {Deadline.TotalSeconds:0} s of a half-close");
        }

        return received;
    }
}
