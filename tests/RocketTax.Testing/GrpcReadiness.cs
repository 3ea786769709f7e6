using Apache.Rocketmq.V2;
using Grpc.Core;
using Grpc.Net.Client;

namespace RocketTax.Testing;

/// <summary>
/// Waits for a broker's first gRPC answer. <c>boot success</c> means the port is bound, but on a loaded
/// machine the first request still pays for the JIT of the whole HTTP/2 and gRPC path, on both sides, and can
/// outlast a client's 3 s request timeout. A fixture hands a broker to its tests only after this answer.
/// </summary>
internal static class GrpcReadiness
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Sends QueryRoute without a client id until the broker answers, whatever its status: the broker
    /// refuses such a request before touching any topic, so the probe creates nothing. A <paramref name="tlsOnly"/>
    /// port is probed over TLS without checking its certificate: the probe carries nothing and only asks "are you up".
    /// </summary>
    public static async Task WaitForAnswerAsync(string endpoint, bool tlsOnly, TimeSpan within, CancellationToken cancellationToken)
    {
        using var channel = tlsOnly
            ? GrpcChannel.ForAddress($"https://{endpoint}", new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
                DisposeHttpClient = true,
            })
            : GrpcChannel.ForAddress($"http://{endpoint}");
        var client = new MessagingService.MessagingServiceClient(channel);
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                await client.QueryRouteAsync(new QueryRouteRequest(), deadline: deadline, cancellationToken: cancellationToken);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && DateTime.UtcNow + RetryDelay < deadline)
            {
                await Task.Delay(RetryDelay, cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
            {
                throw new TimeoutException($"The broker on {endpoint} printed 'boot success' but answered no gRPC request within {within.TotalSeconds:0} s.", ex);
            }
        }
    }
}
