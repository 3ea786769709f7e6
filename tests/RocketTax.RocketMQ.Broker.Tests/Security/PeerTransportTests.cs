using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Security;
using RocketTax.RocketMQ.Broker.Tests.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>
/// Which certificates a broker trusts in the other masters it dials: one this machine trusts, or its own (masters
/// sharing one certificate); never a stranger's self-signed one, which is logged with what to do.
/// </summary>
public sealed class PeerTransportTests : IDisposable
{
    private const string Peer = "127.0.0.1:8091";

    private readonly X509Certificate2 _own = SelfSigned("CN=RocketTax broker broker-a");
    private readonly X509Certificate2 _stranger = SelfSigned("CN=RocketTax broker broker-b");
    private readonly CapturingLogger<PeerTransport> _logger = new();

    [Fact]
    public void Enforcing_broker_dials_peers_with_TLS_and_a_permissive_one_in_plaintext()
    {
        Assert.True(new PeerTransport(TlsServerMode.Enforcing, _own, _logger).UsesTls);
        Assert.False(new PeerTransport(TlsServerMode.Permissive, _own, _logger).UsesTls);
        Assert.False(new PeerTransport(TlsServerMode.Disabled, null, _logger).UsesTls);
    }

    [Fact]
    public void Own_certificate_is_trusted_although_no_authority_vouches_for_it()
    {
        var transport = new PeerTransport(TlsServerMode.Enforcing, _own, _logger);
        using var presented = X509CertificateLoader.LoadCertificate(_own.RawData);

        Assert.True(transport.Trusts(Peer, presented, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void Certificate_the_machine_trusts_is_trusted()
    {
        var transport = new PeerTransport(TlsServerMode.Enforcing, _own, _logger);

        Assert.True(transport.Trusts(Peer, _stranger, SslPolicyErrors.None));
    }

    [Fact]
    public void Another_brokers_self_signed_certificate_is_refused_with_a_warning_saying_what_to_do()
    {
        var transport = new PeerTransport(TlsServerMode.Enforcing, _own, _logger);

        Assert.False(transport.Trusts(Peer, _stranger, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(transport.Trusts(Peer, presented: null, SslPolicyErrors.RemoteCertificateNotAvailable));
        var warning = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"The broker at {Peer} presented a TLS certificate this broker does not trust (CN=RocketTax broker broker-b", warning.Message, StringComparison.Ordinal);
        Assert.Contains("tlsServerCertPath", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broker_without_a_certificate_trusts_only_what_the_machine_trusts()
    {
        var transport = new PeerTransport(TlsServerMode.Enforcing, ownCertificate: null, _logger);

        Assert.False(transport.Trusts(Peer, _stranger, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(transport.Trusts(Peer, _stranger, SslPolicyErrors.None));
    }

    public void Dispose()
    {
        _own.Dispose();
        _stranger.Dispose();
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
