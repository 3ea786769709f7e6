using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>
/// The two-master cluster of <see cref="ClusterFixture"/> with gRPC ports that take TLS only
/// (<c>tlsServerMode=enforcing</c>), both masters presenting one certificate (<c>tlsServerCertPath</c>), as an
/// operator sets up a cluster whose masters pass calls on to each other.
/// </summary>
public sealed class TlsEnforcingClusterFixture : ClusterFixture
{
    private readonly string _certificateDir = Directory.CreateTempSubdirectory("rockettax-cluster-tls-").FullName;

    public TlsEnforcingClusterFixture()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=RocketTax test cluster", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertificatePath, Certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The certificate both masters present; a client trusting it reaches either.</summary>
    public X509Certificate2 Certificate { get; }

    private string CertificatePath => Path.Combine(_certificateDir, "cluster.crt");

    private string KeyPath => Path.Combine(_certificateDir, "cluster.key");

    /// <summary>A TLS channel to <paramref name="broker"/> that trusts the cluster's certificate.</summary>
    public GrpcChannel Channel(BrokerProcess broker) => PinnedTlsChannel.To(broker.GrpcEndpoint, Certificate);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Certificate.Dispose();
        Directory.Delete(_certificateDir, recursive: true);
    }

    protected override BrokerOptions BrokerOptionsFor(string brokerName)
    {
        var options = base.BrokerOptionsFor(brokerName);
        var properties = new Dictionary<string, string>(options.ExtraProperties)
        {
            ["tlsServerMode"] = "enforcing",
            ["tlsServerCertPath"] = CertificatePath,
            ["tlsServerKeyPath"] = KeyPath,
        };
        return options with { ExtraProperties = properties };
    }
}
