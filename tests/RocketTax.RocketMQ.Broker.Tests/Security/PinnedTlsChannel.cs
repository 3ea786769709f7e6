using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>A TLS gRPC channel that trusts exactly one certificate, as a client pinning a broker's certificate does.</summary>
public static class PinnedTlsChannel
{
    /// <summary>
    /// A channel to <paramref name="endpoint"/> that accepts only a certificate with <paramref name="trusted"/>'s
    /// thumbprint; <paramref name="presented"/>, when given, receives a copy of every certificate the broker showed.
    /// </summary>
    public static GrpcChannel To(string endpoint, X509Certificate2 trusted, List<X509Certificate2>? presented = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    if (presented is not null)
                    {
                        lock (presented)
                        {
                            presented.Add(copy);
                        }
                    }

                    return copy.Thumbprint == trusted.Thumbprint;
                },
            },
        };
        return GrpcChannel.ForAddress($"https://{endpoint}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
