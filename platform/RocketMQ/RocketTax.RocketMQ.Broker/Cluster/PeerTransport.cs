using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Apache.Rocketmq.V2;
using Grpc.Net.Client;
using RocketTax.RocketMQ.Broker.Security;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// How this broker dials the gRPC port of another master. A route from the name servers says nothing of a peer's
/// TLS mode, so the broker goes by its own: the masters of one cluster run one <c>tlsServerMode</c> (they share a
/// properties template), so an <c>enforcing</c> broker dials its peers with TLS and any other in plaintext, which a
/// <c>permissive</c> or <c>disabled</c> peer accepts. (A permissive master cannot pass calls on to an enforcing one.)
/// A peer's certificate is trusted when this machine trusts it (chain and name), or when it is this broker's own
/// certificate: masters sharing one <c>tlsServerCertPath</c>. The self-signed certificate each master generates
/// for itself is trusted by no other master.
/// </summary>
public sealed partial class PeerTransport(TlsServerMode mode, X509Certificate2? ownCertificate, ILogger<PeerTransport> logger)
{
    /// <summary>True when peers are dialled with TLS.</summary>
    public bool UsesTls => mode == TlsServerMode.Enforcing;

    /// <summary>A channel to the gRPC port at <paramref name="address"/>.</summary>
    public GrpcChannel Open(Address address)
    {
        var authority = $"{address.Host}:{address.Port.ToString(CultureInfo.InvariantCulture)}";
        if (!UsesTls)
        {
            return GrpcChannel.ForAddress($"http://{authority}");
        }

        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusts(authority, certificate, errors),
            },
        };
        return GrpcChannel.ForAddress($"https://{authority}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    /// <summary>Whether the certificate the peer at <paramref name="authority"/> presented, with TLS's verdict <paramref name="errors"/>, is trusted.</summary>
    public bool Trusts(string authority, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null)
        {
            return false;
        }

        if (errors == SslPolicyErrors.None || IsOwn(presented))
        {
            return true;
        }

        LogUntrusted(authority, presented.Subject, presented.GetCertHashString(HashAlgorithmName.SHA256), errors);
        return false;
    }

    private bool IsOwn(X509Certificate presented) =>
        ownCertificate is not null && presented.GetRawCertData().AsSpan().SequenceEqual(ownCertificate.RawDataMemory.Span);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker at {Peer} presented a TLS certificate this broker does not trust ({Subject}, SHA-256 {Thumbprint}: {Errors}); "
        + "give the masters one certificate (tlsServerCertPath), or certificates from an authority this machine trusts")]
    private partial void LogUntrusted(string peer, string subject, string thumbprint, SslPolicyErrors errors);
}
