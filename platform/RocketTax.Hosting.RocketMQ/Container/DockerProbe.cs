using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RocketTax.Hosting.RocketMQ.Container;

/// <summary>
/// Checks, before any container is created, that a Docker daemon answers <c>GET /_ping</c> at <c>DOCKER_HOST</c>
/// (or <c>/var/run/docker.sock</c>), so container mode fails at once with what to do instead of waiting on DCP.
/// </summary>
internal static class DockerProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Null when Docker answers; otherwise why not.</summary>
    public static async Task<string?> FailureAsync(CancellationToken cancellationToken)
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var target = string.IsNullOrWhiteSpace(dockerHost) ? "unix:///var/run/docker.sock" : dockerHost;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var socket = Connect(target, out var endPoint);
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[512];
            var read = await socket.ReceiveAsync(buffer, timeout.Token).ConfigureAwait(false);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return answer.Contains(" 200 ", StringComparison.Ordinal) ? null : $"Docker at {target} answered '{answer.Split('\r')[0]}' to GET /_ping";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"Docker at {target} did not answer within {Timeout.TotalSeconds:0} s";
        }
        catch (Exception ex) when (ex is SocketException or IOException or NotSupportedException or UriFormatException)
        {
            return $"Docker is not reachable at {target}: {ex.Message}";
        }
    }

    private static Socket Connect(string target, out EndPoint endPoint)
    {
        var uri = new Uri(target);
        if (uri.Scheme == "unix")
        {
            endPoint = new UnixDomainSocketEndPoint(uri.AbsolutePath);
            return new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }

        if (uri.Scheme == "tcp")
        {
            endPoint = new DnsEndPoint(uri.Host, uri.Port);
            return new Socket(SocketType.Stream, ProtocolType.Tcp);
        }

        throw new NotSupportedException($"DOCKER_HOST scheme '{uri.Scheme}' is not supported here (use unix:// or tcp://)");
    }
}
