using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>The byte stream under an HTTP/2 connection: TCP without Nagle, and TLS with ALPN h2 when configured.</summary>
internal static class Http2Socket
{
    /// <summary>Connects within the connect timeout; any failure is <see cref="StatusCode.Unavailable"/> naming the endpoint.</summary>
    public static async Task<Stream> OpenAsync(EndpointAddress endpoint, Http2TransportOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? transport = null;
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
            transport = new NetworkStream(socket, ownsSocket: true);
            return options.UseTls ? await AuthenticateAsync(transport, endpoint, options, timeout.Token).ConfigureAwait(false) : transport;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or AuthenticationException)
        {
            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            var reason = ex is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? $"no connection within {options.ConnectTimeout.TotalSeconds:0.###} s"
                : ex.Message;
            throw new RpcException(new Status(StatusCode.Unavailable, $"Cannot connect to {endpoint}: {reason}", ex));
        }
    }

    private static async Task<Stream> AuthenticateAsync(Stream transport, EndpointAddress endpoint, Http2TransportOptions options, CancellationToken cancellationToken)
    {
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = endpoint.Host,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
        };
        if (!options.ValidateServerCertificate)
        {
            authentication.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        await tls.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        if (tls.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"{endpoint} did not agree to HTTP/2 in the TLS handshake (ALPN h2); gRPC needs it.");
        }

        return tls;
    }
}
